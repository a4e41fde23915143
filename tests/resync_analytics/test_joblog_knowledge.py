"""The knowledge base file drives the analyser: every family's examples are classified into its
category and pass the prefilter (tests generated from the file); mistakes in a file are
reported with the file, entry and field; a site's extension file adds, changes and drops
families."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from resync_analytics.joblog import analyzer
from resync_analytics.joblog.analyzer import analyze_joblog, conclude, prepare_joblog
from resync_analytics.joblog.knowledge import (
    EXTENSION_VARIABLE,
    SHIPPED,
    KnowledgeError,
    knowledge,
    load_knowledge,
)
from resync_analytics.joblog.knowledge.needles import cover
from resync_analytics.joblog.prefilter import has_needle
from resync_analytics.joblog.steps import render_step, suggest_steps
from resync_core.settings import get_settings

SHIPPED_KB = load_knowledge()
EXAMPLES = [(family, example) for family in SHIPPED_KB.families for example in family.examples]


@pytest.mark.parametrize(
    ("family", "example"), EXAMPLES, ids=[f"{f.name}:{e[:30]}" for f, e in EXAMPLES]
)
def test_every_example_is_classified_into_its_family_category(family, example):
    assert has_needle(example), "the prefilter would never show this line to the rules"
    prepared = prepare_joblog(example + "\n")
    assert [c.line.text for c in prepared.scan.candidates] == [example]
    categories = {f.category for f in prepared.findings}
    assert family.category in categories, (family.name, [f.rule for f in prepared.findings])
    if family.tier >= 2:
        # a consequence ("Job failed", tier 1) is never a root cause on its own
        assert conclude(prepared).category == family.category


@pytest.mark.parametrize("family", SHIPPED_KB.families, ids=lambda f: f.name)
def test_every_pattern_line_reaches_the_rules_through_the_prefilter(family):
    """Each needle set covers its pattern: a line made of just the needle's text passes."""
    assert family.needles
    for needle in family.needles:
        assert has_needle(needle.upper() if needle.isascii() else needle)


def test_the_errno_texts_live_only_in_the_knowledge_file():
    package = Path(analyzer.__file__).parent
    modules = ["rules.py", "classify.py", "prefilter.py", "steps.py", "exit_codes.py"]
    english = [texts[0] for texts in (t.get("en", ()) for t in SHIPPED_KB.errno.values()) if texts]
    assert "No such file or directory" in english
    for module in modules:
        source = (package / module).read_text(encoding="utf-8")
        assert not [text for text in english if text in source], module


def test_errno_tables_feed_the_families_in_every_language():
    portuguese = "cp: não foi possível criar o arquivo '/data/x': Permissão negada"
    german = "cat: /data/in/x.csv: Datei oder Verzeichnis nicht gefunden"
    assert analyze_joblog(portuguese + "\n").category == "permission_denied"
    assert analyze_joblog(german + "\n").category == "file_not_found"
    assert re.search(SHIPPED_KB.errno_pattern("ENOSPC"), "Kein Platz mehr auf dem Gerät", re.I)


@pytest.mark.parametrize(
    ("pattern", "needles"),
    [
        (r"\b[SB]?[BDE]37\b", {"b37", "d37", "e37"}),
        (r"(?<![\w-])(ERROR|FATAL)(?![\w-])", {"error", "fatal"}),
        (r"\bSQL\d{4,5}N\b", {f"sql{d}" for d in range(10)}),
        (r"^Getötet\b", {"getötet"}),
        (r"Не удается найти путь", {"Не удается найти путь"}),
        (r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", None),
    ],
)
def test_needles_are_derived_from_the_pattern(pattern, needles):
    assert cover(pattern) == (frozenset(needles) if needles is not None else None)


# ---- mistakes in a file ------------------------------------------------------------------

_FAMILY = """
[[family]]
id = "{id}"
category = "{category}"
tier = 4
label = "Ledger locked"
patterns = ['{pattern}']
examples = ["{example}"]
"""


def _family(**fields: str) -> str:
    values = {
        "id": "site_ledger_lock",
        "category": "resource_busy",
        "pattern": r"PAYROLL-E-\d{4}",
        "example": "PAYROLL-E-0042 ledger locked by batch 7",
    }
    values.update(fields)
    return _FAMILY.format(**values)


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (_family(pattern="PAYROLL-E-(\\d{4}"), "patterns.any[0]", "bad regex"),
        (_family(category="disk_ful"), "category", "unknown category 'disk_ful'"),
        (_family() + _family(), "id", "duplicate id"),
        (_family(example="a line about something else"), "examples[0]", "matches none"),
        (_family(pattern="^\\d{2}:\\d{2}$", example="12:30"), "patterns.any[0]", "needles"),
        (_family().replace("tier = 4", "tier = 7"), "tier", "must be 1, 2, 3 or 4"),
        (_family() + "colour = 'red'\n", "colour", "unknown field"),
        (_family() + "errno = ['ENOTHERE']\n", "errno", "no [errno.ENOTHERE] table"),
        (
            _family() + '[[family.steps]]\ntext = "`ls {path:parent}`"\n',
            "steps[0].text",
            "unknown filter '{path:parent}'",
        ),
    ],
    ids=[
        "bad-regex",
        "category",
        "duplicate",
        "example",
        "no-needle",
        "tier",
        "field",
        "errno",
        "step-filter",
    ],
)
def test_a_mistake_names_the_file_the_entry_and_the_field(tmp_path, text, field, problem):
    extension = tmp_path / "site-families.toml"
    extension.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(extension)
    message = str(raised.value)
    assert "site-families.toml" in message
    assert "family 'site_ledger_lock'" in message
    assert f": {field}:" in message
    assert problem in message


def test_a_file_that_is_not_toml_is_named(tmp_path):
    extension = tmp_path / "broken.toml"
    extension.write_text("[[family]\nid = 'x'\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"broken\.toml: not valid TOML"):
        load_knowledge(extension)


def test_the_shipped_file_is_valid_and_ordered_as_written():
    ids = [family.name for family in SHIPPED_KB.families]
    assert len(ids) == len(set(ids))
    assert ids.index("shell_command_not_found") < ids.index("os_file_not_found")
    assert ids[-1] == "consequence"
    assert SHIPPED_KB.sources == (str(SHIPPED),)


# ---- a site's extension file -------------------------------------------------------------


@pytest.fixture
def site_file(tmp_path, monkeypatch) -> Iterator[Path]:
    """A site's knowledge file, configured the way an administrator does: the setting."""
    path = tmp_path / "site-families.toml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    monkeypatch.setenv(EXTENSION_VARIABLE, str(path))
    get_settings.cache_clear()
    knowledge.cache_clear()
    yield path
    monkeypatch.delenv(EXTENSION_VARIABLE)
    get_settings.cache_clear()
    knowledge.cache_clear()


LEDGER_LOG = "start of posting\nPAYROLL-E-0042 ledger LEDGER01 locked by batch 7\nend\n"


def test_a_site_family_is_recognised_through_the_setting(site_file):
    assert analyze_joblog(LEDGER_LOG).category != "resource_busy"  # before: not known
    site_file.write_text(
        _family()
        + """[[family.steps]]
text = "Ask the ledger team who holds {object|the ledger}: `ledgerctl locks`."
""",
        encoding="utf-8",
    )
    knowledge.cache_clear()
    assert knowledge().family("site_ledger_lock").source == str(site_file)
    assert knowledge().families[0].name == "site_ledger_lock"  # site families go first

    analysis = analyze_joblog(LEDGER_LOG)

    assert analysis.category == "resource_busy"
    assert analysis.error_line == 2
    assert "Ledger locked" in analysis.root_cause
    assert any("ledgerctl locks" in step for step in analysis.steps)


def test_a_site_file_changes_and_drops_shipped_families(site_file):
    line = "cp: error writing '/data/out/x.dat': No space left on device\n"
    site_file.write_text(
        """
[[family]]
id = "os_disk_full"
label = "File system full"

[[family]]
id = "short_write"
enabled = false

[[family]]
id = "site_kein_platz"
category = "disk_full"
tier = 4
label = "Dutch disk full"
after = "os_disk_full"
patterns = { nl = ["Geen ruimte meer over op het apparaat"] }
examples = ["cp: schrijffout: Geen ruimte meer over op het apparaat"]

[errno.ENOENT]
nl = ["Bestand of map bestaat niet"]
""",
        encoding="utf-8",
    )
    kb = knowledge()
    ids = [family.name for family in kb.families]

    assert "short_write" not in ids
    assert ids.index("site_kein_platz") == ids.index("os_disk_full") + 1
    assert kb.family("os_disk_full").category == "disk_full"  # kept from the shipped file
    assert analyze_joblog(line).root_cause.startswith("File system full")
    dutch = analyze_joblog("cat: /data/in/x.csv: Bestand of map bestaat niet\n")
    assert dutch.category == "file_not_found"
    assert kb.errno["ENOENT"]["en"] == SHIPPED_KB.errno["ENOENT"]["en"]  # other languages stay


def test_a_site_family_must_be_placed_next_to_an_existing_one(site_file):
    site_file.write_text(_family() + 'before = "no_such_family"\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no family 'no_such_family' to go before"):
        knowledge()


# ---- fix steps as templates --------------------------------------------------------------


def test_the_loader_accepts_exactly_the_filters_the_steps_apply():
    from resync_analytics.joblog import steps
    from resync_analytics.joblog.knowledge.model import STEP_FILTERS

    assert set(steps._FILTERS) == STEP_FILTERS


def test_step_placeholders_take_roles_filters_and_fallbacks():
    roles = {"path": "/data/in/x.csv", "host": "db01:1521"}
    assert render_step("`ls -l {path:dir}`", roles) == "`ls -l /data/in`"
    assert render_step("`nc -vz {host:nc}`", roles) == "`nc -vz db01 1521`"
    assert render_step("{object,path|the input}", roles) == "/data/in/x.csv"
    assert render_step("{object|the input}", roles) == "the input"
    assert render_step("`kill {pid}`", roles) == "`kill <pid>`"


def test_a_family_with_its_own_steps_replaces_its_category_steps():
    from resync_analytics.joblog.entities import Entity

    entities = [Entity("code", "AWSBDW009E")]
    own = suggest_steps(
        "authentication",
        entities,
        job=None,
        user="batchusr",
        exit_code=1,
        family="tws_unknown_user",
    )
    general = suggest_steps("authentication", entities, job=None, user="batchusr", exit_code=1)
    assert own[0].startswith("Check that the logon user batchusr exists")
    assert not any("exists on the workstation" in step for step in general)
    assert own[-1].startswith("After the fix, rerun the job")


def test_steps_name_entities_by_their_role():
    from resync_analytics.joblog.entities import Entity

    holder = Entity("value", "4711", role="pid")
    script = Entity("path", "/opt/app/bin/load.sh")
    busy = suggest_steps("resource_busy", [holder], job=None, user=None, exit_code=1)
    denied = suggest_steps("permission_denied", [script], job=None, user=None, exit_code=126)

    assert busy[0] == "See what process 4711 is and whether it still runs: `ps -fp 4711`."
    assert any(step.startswith("RC 126: /opt/app/bin/load.sh exists") for step in denied)
    # a path read as a script still answers {path}
    assert any("`ls -ld /opt/app/bin/load.sh /opt/app/bin`" in step for step in denied)


def test_a_site_file_adds_retry_phrases_and_informational_codes(site_file):
    retried = "ERROR: Connection refused by db01:5432, opnieuw proberen over 5s\nload done\n"
    notice = "PAYROLL-I-0001 PAYROLL-E-0042 ledger LEDGER01 locked by batch 7\n"
    assert analyze_joblog(retried).category == "network"  # before: a retry nobody recognised
    site_file.write_text(_family(), encoding="utf-8")
    knowledge.cache_clear()
    assert analyze_joblog(notice).category == "resource_busy"
    site_file.write_text(
        _family()
        + """
[retry]
nl = ["opnieuw proberen"]

[informational]
any = ['PAYROLL-I-\\d{4}']
""",
        encoding="utf-8",
    )
    knowledge.cache_clear()

    assert knowledge().retry.search("nova tentativa em 10s")  # the shipped languages stay
    assert analyze_joblog(retried).category == "success"  # a retry that then succeeded
    assert analyze_joblog(notice).category == "success"  # a line that only informs


def test_a_bad_retry_phrase_names_its_table_and_language(tmp_path):
    extension = tmp_path / "site-families.toml"
    extension.write_text("[retry]\nnl = ['opnieuw (proberen']\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"site-families\.toml: retry: nl\[0\]: bad regex"):
        load_knowledge(extension)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[errno.ENOENT]\nportuguese = ['Arquivo inexistente']\n", "errno 'ENOENT': portuguese"),
        ("[retry]\nNL = ['opnieuw']\n", "retry: NL"),
        ("[errno.ENOENT]\npt = ['Arquivo (inexistente']\n", "errno 'ENOENT': pt[0]: bad regex"),
    ],
    ids=["errno-language", "phrase-language", "errno-regex"],
)
def test_errno_and_phrase_tables_check_languages_and_regexes_alike(tmp_path, text, where):
    extension = tmp_path / "site-families.toml"
    extension.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(extension)
    assert f"site-families.toml: {where}" in str(raised.value)
