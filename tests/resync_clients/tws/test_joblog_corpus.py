"""The labelled joblog corpus is self-consistent (this checks the yardstick, not the analyser)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from resync_analytics.joblog.entities import ROLES
from resync_core.taxonomy import CATEGORIES

CORPUS = Path(__file__).resolve().parents[2] / "data" / "joblogs"
LABELS: dict[str, dict] = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
LOG_FILES = sorted(p.name for p in CORPUS.glob("*.log"))
# transcripts by other authors: same label schema, plus where each came from
REAL = CORPUS / "real"
REAL_LABELS: dict[str, dict] = json.loads((REAL / "labels.json").read_text(encoding="utf-8"))
REAL_SOURCES: dict[str, dict] = json.loads((REAL / "sources.json").read_text(encoding="utf-8"))
REAL_FILES = sorted(p.name for p in REAL.glob("*.log"))
# whole joblogs by authors who never saw the analyser: same label schema, plus what each tests
BLIND = CORPUS / "blind"
BLIND_LABELS: dict[str, dict] = json.loads((BLIND / "labels.json").read_text(encoding="utf-8"))
BLIND_SOURCES: dict[str, dict] = json.loads((BLIND / "sources.json").read_text(encoding="utf-8"))
BLIND_FILES = sorted(p.name for p in BLIND.glob("*.log"))


def test_corpus_has_at_least_seventy_logs() -> None:
    assert len(LOG_FILES) >= 70


def test_labels_cover_every_file_and_nothing_else() -> None:
    assert set(LABELS) == set(LOG_FILES)


def test_every_category_has_at_least_four_files() -> None:
    per_category = Counter(label["category"] for label in LABELS.values())
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 4, per_category


@pytest.mark.parametrize("name", LOG_FILES)
def test_label_is_consistent_with_its_file(name: str) -> None:
    _check_label(LABELS[name], (CORPUS / name).read_bytes())


def test_real_transcripts_are_labelled_and_sourced() -> None:
    assert len(REAL_FILES) >= 60
    assert set(REAL_LABELS) == set(REAL_FILES) == set(REAL_SOURCES)
    for name, source in REAL_SOURCES.items():
        assert source["url"].startswith("https://"), name
        assert source["title"] and source["platform"], name


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_label_is_consistent_with_its_file(name: str) -> None:
    _check_label(REAL_LABELS[name], (REAL / name).read_bytes())


def test_blind_joblogs_are_labelled_and_described() -> None:
    assert len(BLIND_FILES) >= 40
    assert set(BLIND_LABELS) == set(BLIND_FILES) == set(BLIND_SOURCES)
    for name, source in BLIND_SOURCES.items():
        assert source["wrapper"] in {"unix", "windows", "dynamic", "bare"}, name
        assert source["tools"] and source["notes"], name


@pytest.mark.parametrize("name", BLIND_FILES)
def test_blind_label_is_consistent_with_its_file(name: str) -> None:
    _check_label(BLIND_LABELS[name], (BLIND / name).read_bytes())


def _check_label(label: dict, data: bytes) -> None:
    line_count = len(data.split(b"\n"))
    assert set(label) - {"roles"} == {"category", "error_line", "entities"}
    # Roles, where given, name one known role for exactly the labelled entities.
    roles = label.get("roles", {})
    assert not roles or set(roles) == set(label["entities"]), "roles name every entity"
    assert set(roles.values()) <= set(ROLES), set(roles.values()) - set(ROLES)
    assert label["category"] in CATEGORIES
    if label["category"] == "success":
        assert label["error_line"] == 0
        assert label["entities"] == []
    else:
        assert 1 <= label["error_line"] <= line_count
        assert data.split(b"\n")[label["error_line"] - 1].strip(), "error line is blank"
        assert label["entities"], "a failure names at least one entity"
    for entity in label["entities"]:
        assert entity.encode("utf-8") in data, entity


def test_corpus_carries_the_hostile_bytes_real_logs_carry() -> None:
    blobs = [(CORPUS / name).read_bytes() for name in LOG_FILES]

    def undecodable(blob: bytes) -> bool:
        try:
            blob.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False

    assert any(b"\r\n" in blob for blob in blobs)
    assert any(b"\x1b[" in blob for blob in blobs)
    assert any(b"\x00" in blob for blob in blobs)
    assert any(undecodable(blob) for blob in blobs)
    assert any(max(map(len, blob.split(b"\n"))) > 10_000 for blob in blobs)
    assert any(blob.count(b"\n") > 10_000 for blob in blobs)
