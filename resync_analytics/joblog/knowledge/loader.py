"""Read the knowledge base: the shipped families.toml, then a site's extension file over it.

Every mistake in a file is a :class:`KnowledgeError` that names the file, the entry and the
field ("families.toml: family 'os_permission': patterns.pt[2]: bad regex ..."), so an
administrator who extends the file sees what to fix before the analyser runs.

Merging: an extension ``[[family]]`` with a shipped id replaces the fields it gives
(``enabled = false`` drops the family); a new id is tried before all shipped families, or
``before``/``after`` a named one. ``[errno.*]`` languages, ``[exit_codes]`` and
``[[steps.<category>]]`` lists replace the shipped ones key by key; ``[prefilter] needles``,
``[retry]`` and ``[informational]`` patterns add to the shipped ones.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import ahocorasick

from resync_analytics.joblog.knowledge.model import (
    PLACEHOLDER,
    STEP_FILTERS,
    ExitCodeMeaning,
    Family,
    KnowledgeBase,
    StepTemplate,
)
from resync_analytics.joblog.knowledge.needles import MIN_NEEDLE, cover
from resync_core.taxonomy import CATEGORIES, Category

SHIPPED = Path(__file__).with_name("families.toml")
_LANGUAGE = re.compile(r"^(?:any|[a-z]{2,3})$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ERRNO_NAME = re.compile(r"^E[A-Z0-9]+$")
_FAMILY_KEYS = frozenset(
    {
        "id",
        "category",
        "tier",
        "label",
        "patterns",
        "errno",
        "case_sensitive",
        "examples",
        "needles",
        "steps",
        "replace_steps",
        "enabled",
        "before",
        "after",
    }
)
_STEP_KEYS = frozenset({"text", "when", "unless", "exit_code"})
_SOURCE = "__source__"


class KnowledgeError(ValueError):
    """A knowledge file has a mistake; the message names the file, the entry and the field."""


def _fail(source: str, entry: str, field: str, problem: str) -> KnowledgeError:
    where = f"{Path(source).name}: {entry}" + (f": {field}" if field else "")
    return KnowledgeError(f"{where}: {problem} (file {source})")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read the knowledge file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{path}: not valid TOML: {exc}") from exc


def _families(raw: dict[str, Any], source: str) -> list[dict[str, Any]]:
    entries = raw.get("family", [])
    if not isinstance(entries, list):
        raise _fail(source, "family", "", "must be a list of [[family]] tables")
    seen: set[str] = set()
    out = []
    for index, entry in enumerate(entries):
        name = entry.get("id") if isinstance(entry, dict) else None
        label = f"family #{index + 1}" if not isinstance(name, str) else f"family {name!r}"
        if not isinstance(name, str) or not _ID.match(name):
            raise _fail(source, label, "id", "needs an id of lowercase letters, digits and _")
        if name in seen:
            raise _fail(source, label, "id", "duplicate id: another family in this file has it")
        seen.add(name)
        unknown = sorted(set(entry) - _FAMILY_KEYS)
        if unknown:
            raise _fail(source, label, unknown[0], f"unknown field (known: {sorted(_FAMILY_KEYS)})")
        out.append({**entry, _SOURCE: source})
    return out


def _merge_families(
    shipped: list[dict[str, Any]], extra: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    merged = [dict(entry) for entry in shipped]
    index = {entry["id"]: i for i, entry in enumerate(merged)}
    new: list[dict[str, Any]] = []
    for entry in extra:
        if entry["id"] in index:
            target = merged[index[entry["id"]]]
            target.update({k: v for k, v in entry.items() if k not in ("before", "after")})
        else:
            new.append(entry)
    at_top = 0  # new families go first, in their file's order
    for entry in new:
        source = entry[_SOURCE]
        anchor = entry.get("before") or entry.get("after")
        ids = [e["id"] for e in merged]
        if anchor is None:
            position = at_top
            at_top += 1
        elif anchor not in ids:
            field = "before" if entry.get("before") else "after"
            raise _fail(
                source, f"family {entry['id']!r}", field, f"no family {anchor!r} to go {field}"
            )
        else:
            position = ids.index(anchor) + (0 if entry.get("before") else 1)
        merged.insert(position, entry)
    return [e for e in merged if e.get("enabled", True) is not False]


def _strings(value: Any, source: str, entry: str, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(source, entry, field, "must be a string or a list of strings")
    return tuple(value)


def _compile(pattern: str, flags: int, source: str, entry: str, field: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise _fail(source, entry, field, f"bad regex {pattern!r}: {exc}") from exc


def _patterns(raw: Any, source: str, entry: str) -> dict[str, tuple[str, ...]]:
    if isinstance(raw, list):
        raw = {"any": raw}
    if not isinstance(raw, dict):
        raise _fail(source, entry, "patterns", "must be a list, or a table of lists by language")
    out: dict[str, tuple[str, ...]] = {}
    for language, value in raw.items():
        if not _LANGUAGE.match(language):
            raise _fail(
                source, entry, f"patterns.{language}", "language must be 'any' or a code like 'pt'"
            )
        out[language] = _strings(value, source, entry, f"patterns.{language}")
    return out


def _steps(raw: Any, source: str, entry: str, field: str) -> tuple[StepTemplate, ...]:
    if not isinstance(raw, list):
        raise _fail(source, entry, field, "must be a list of step tables ([[...]] with text)")
    steps = []
    for index, step in enumerate(raw):
        where = f"{field}[{index}]"
        if not isinstance(step, dict) or not isinstance(step.get("text"), str):
            raise _fail(source, entry, where, "a step needs a text")
        unknown = sorted(set(step) - _STEP_KEYS)
        if unknown:
            raise _fail(source, entry, f"{where}.{unknown[0]}", "unknown field")
        for placeholder in PLACEHOLDER.finditer(step["text"]):
            if placeholder.group(2) and placeholder.group(2) not in STEP_FILTERS:
                raise _fail(
                    source,
                    entry,
                    f"{where}.text",
                    f"unknown filter {placeholder.group(0)!r} (known: {sorted(STEP_FILTERS)})",
                )
        exit_code = step.get("exit_code")
        if exit_code is not None and not isinstance(exit_code, int):
            raise _fail(source, entry, f"{where}.exit_code", "must be a whole number")
        steps.append(
            StepTemplate(
                text=step["text"],
                when=_strings(step.get("when", []), source, entry, f"{where}.when"),
                unless=_strings(step.get("unless", []), source, entry, f"{where}.unless"),
                exit_code=exit_code,
            )
        )
    return tuple(steps)


def _family(entry: dict[str, Any], errno: Mapping[str, Mapping[str, tuple[str, ...]]]) -> Family:
    source = entry[_SOURCE]
    name = entry["id"]
    where = f"family {name!r}"
    category = entry.get("category")
    if category not in CATEGORIES:
        raise _fail(
            source, where, "category", f"unknown category {category!r} (known: {CATEGORIES})"
        )
    tier = entry.get("tier")
    if not isinstance(tier, int) or isinstance(tier, bool) or not 1 <= tier <= 4:
        raise _fail(source, where, "tier", "must be 1, 2, 3 or 4")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _fail(source, where, "label", "needs a label")
    case_sensitive = entry.get("case_sensitive", False)
    flags = 0 if case_sensitive else re.IGNORECASE
    patterns = _patterns(entry.get("patterns", []), source, where)
    names = _strings(entry.get("errno", []), source, where, "errno")
    for errno_name in names:
        if errno_name not in errno:
            raise _fail(source, where, "errno", f"no [errno.{errno_name}] table")
    stated = tuple(n.lower() for n in _strings(entry.get("needles", []), source, where, "needles"))
    if any(len(n.strip()) < 2 for n in stated):
        raise _fail(source, where, "needles", "a needle needs 2 or more characters")

    parts: list[tuple[str, str]] = [
        (f"patterns.{language}[{i}]", pattern)
        for language, listed in patterns.items()
        for i, pattern in enumerate(listed)
    ]
    for errno_name in names:
        parts.append((f"errno {errno_name}", rf"\b{errno_name}\b"))
        for language, texts in errno[errno_name].items():
            parts.extend((f"errno.{errno_name}.{language}", text) for text in texts)
    if not parts:
        raise _fail(source, where, "patterns", "needs at least one pattern or errno name")
    needles: set[str] = set(stated)
    for field, pattern in parts:
        try:
            found = cover(pattern, case_sensitive=bool(case_sensitive))
        except re.error as exc:
            raise _fail(source, where, field, f"bad regex {pattern!r}: {exc}") from exc
        if found is not None:
            needles |= found
        elif not stated:
            raise _fail(
                source,
                where,
                field,
                f"the pattern {pattern!r} has no literal text of {MIN_NEEDLE} or more characters "
                "for the prefilter to look for; give the family a needles list",
            )
    regex = _compile("|".join(p for _, p in parts), flags, source, where, "patterns")
    examples = _strings(entry.get("examples", []), source, where, "examples")
    if not examples:
        raise _fail(source, where, "examples", "needs at least one example line")
    for i, example in enumerate(examples):
        if not regex.search(example):
            raise _fail(
                source, where, f"examples[{i}]", f"{example!r} matches none of its patterns"
            )
    steps = _steps(entry.get("steps", []), source, where, "steps")
    return Family(
        name=name,
        category=cast(Category, category),
        tier=tier,
        label=label,
        regex=regex,
        examples=examples,
        patterns=patterns,
        errno=names,
        needles=tuple(sorted(needles)),
        steps=steps,
        replace_steps=bool(entry.get("replace_steps", False)),
        source=source,
    )


def _errno(raws: list[tuple[dict[str, Any], str]]) -> dict[str, dict[str, tuple[str, ...]]]:
    merged: dict[str, dict[str, tuple[str, ...]]] = {}
    for raw, source in raws:
        tables = raw.get("errno", {})
        if not isinstance(tables, dict):
            raise _fail(source, "errno", "", "must be [errno.NAME] tables")
        for name, by_language in tables.items():
            where = f"errno {name!r}"
            if not _ERRNO_NAME.match(name) or not isinstance(by_language, dict):
                raise _fail(source, where, "", "needs a name like ENOENT and texts by language")
            merged.setdefault(name, {}).update(_texts_by_language(by_language, source, where))
    return merged


def _texts_by_language(
    by_language: dict[str, Any], source: str, where: str
) -> dict[str, tuple[str, ...]]:
    """Each language's list of case-blind regexes, checked to compile; 'any' is a language."""
    checked: dict[str, tuple[str, ...]] = {}
    for language, listed in by_language.items():
        if not _LANGUAGE.match(language):
            raise _fail(source, where, language, "language must be 'any' or a code like 'pt'")
        texts = _strings(listed, source, where, language)
        for i, text in enumerate(texts):
            _compile(text, re.IGNORECASE, source, where, f"{language}[{i}]")
        checked[language] = texts
    return checked


def _exit_codes(
    raws: list[tuple[dict[str, Any], str]],
) -> tuple[dict[int, ExitCodeMeaning], dict[int, Category], Category, str]:
    codes: dict[int, ExitCodeMeaning] = {}
    signals: dict[int, Category] = {}
    default: Any = None
    label: Any = None
    for raw, source in raws:
        for key, meaning in raw.get("exit_codes", {}).items():
            where = f"exit code {key}"
            if not key.lstrip("-").isdigit() or not isinstance(meaning, dict):
                raise _fail(source, where, "", "needs a number and {category, label}")
            if meaning.get("category") not in CATEGORIES:
                raise _fail(
                    source, where, "category", f"unknown category {meaning.get('category')!r}"
                )
            if not isinstance(meaning.get("label"), str):
                raise _fail(source, where, "label", "needs a label")
            codes[int(key)] = ExitCodeMeaning(meaning["category"], meaning["label"])
        table = raw.get("exit_signals", {})
        for key, value in table.items():
            if key == "label":
                label = value
            elif key == "default_category":
                default = value
            elif key.isdigit():
                signals[int(key)] = value
            else:
                raise _fail(source, "exit_signals", key, "unknown field")
            if key != "label" and value not in CATEGORIES:
                raise _fail(source, "exit_signals", key, f"unknown category {value!r}")
    if default is None or not isinstance(label, str) or "{signal}" not in label:
        raise _fail(
            raws[0][1], "exit_signals", "", "needs default_category and a label with {signal}"
        )
    return codes, signals, default, label


def _exit_statement(raws: list[tuple[dict[str, Any], str]]) -> tuple[re.Pattern[str], set[str]]:
    pattern: Any = None
    needles: set[str] = set()
    source = raws[0][1]
    for raw, src in raws:
        table = raw.get("exit_statement", {})
        if "pattern" in table:
            pattern, source = table["pattern"], src
        needles |= {
            n.lower() for n in _strings(table.get("needles", []), src, "exit_statement", "needles")
        }
    if not isinstance(pattern, str):
        raise _fail(source, "exit_statement", "pattern", "needs a pattern")
    return _compile(pattern, re.IGNORECASE, source, "exit_statement", "pattern"), needles


def _phrases(raws: list[tuple[dict[str, Any], str]], table: str) -> str:
    """One alternation of a ``[table]`` of regexes by language; each file adds to the lists."""
    merged: dict[str, tuple[str, ...]] = {}
    for raw, source in raws:
        by_language = raw.get(table, {})
        if not isinstance(by_language, dict):
            raise _fail(source, table, "", "must be a table of lists by language")
        for language, texts in _texts_by_language(by_language, source, table).items():
            merged[language] = merged.get(language, ()) + texts
    if not merged:
        raise _fail(raws[0][1], table, "", "needs at least one pattern")
    return "|".join(text for texts in merged.values() for text in texts)


def _minimal(needles: set[str]) -> set[str]:
    """``needles`` without those that contain another ("error" when "err" is one): a line
    holding the longer one holds the shorter, and each extra hit costs the scan a step."""
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return {n for n in needles if all(found == n for _, found in automaton.iter(n))}


def build(raws: list[tuple[dict[str, Any], str]]) -> KnowledgeBase:
    """Merge the parsed files (shipped first) and compile them into a knowledge base."""
    entries = _families(raws[0][0], raws[0][1])
    for raw, source in raws[1:]:
        entries = _merge_families(entries, _families(raw, source))
    errno = _errno(raws)
    families = tuple(_family(entry, errno) for entry in entries)

    steps: dict[str, tuple[StepTemplate, ...]] = {}
    for raw, source in raws:
        for category, listed in raw.get("steps", {}).items():
            if category not in CATEGORIES:
                raise _fail(source, f"steps.{category}", "", f"unknown category {category!r}")
            steps[category] = _steps(listed, source, "steps", category)

    codes, signals, signal_default, signal_label = _exit_codes(raws)
    exit_statement, exit_needles = _exit_statement(raws)
    extra: set[str] = set()
    for raw, source in raws:
        table = raw.get("prefilter", {})
        extra |= {
            n.lower() for n in _strings(table.get("needles", []), source, "prefilter", "needles")
        }
    needles = _minimal({n for family in families for n in family.needles} | exit_needles | extra)
    return KnowledgeBase(
        families=families,
        errno=errno,
        steps=steps,
        exit_codes=codes,
        signal_categories=signals,
        signal_default=signal_default,
        signal_label=signal_label,
        exit_statement=exit_statement,
        retry=re.compile(rf"(?<![\w-])(?:{_phrases(raws, 'retry')})(?![\w-])", re.IGNORECASE),
        informational=re.compile(_phrases(raws, "informational")),
        needles=tuple(sorted(needles)),
        sources=tuple(source for _, source in raws),
    )


def load_knowledge(extra: Path | None = None) -> KnowledgeBase:
    """The shipped knowledge base, with ``extra`` (a site's file) merged over it."""
    raws = [(_read(SHIPPED), str(SHIPPED))]
    if extra is not None:
        raws.append((_read(extra), str(extra)))
    return build(raws)
