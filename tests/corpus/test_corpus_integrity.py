"""The packaged guideline text is the exact, verified copy; tampering and broken manifests are refused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from corpus import (
    CORPUS_DIR,
    Corpus,
    CorpusIntegrityError,
    ManifestError,
    SegmentationError,
    get_corpus,
    load_corpus,
    read_manifest,
)

EXPECTED_SHA256 = "1ff9ddb0c82c85b63d0e3740230474f5be03490b3200159792167ab69da3fa0b"
TEXT_NAME = "ad-systemic-therapy-guideline.txt"


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged corpus folder (text + manifest)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy2(CORPUS_DIR / TEXT_NAME, folder / TEXT_NAME)
    shutil.copy2(CORPUS_DIR / "manifest.json", folder / "manifest.json")
    return folder


def _edit_manifest(folder: Path, edit: object) -> None:
    path = folder / "manifest.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    edit(raw)  # type: ignore[operator]
    path.write_text(json.dumps(raw), encoding="utf-8")


# --- the packaged copy -------------------------------------------------------------------------------------------


def test_packaged_text_hash_matches_manifest_and_pinned_value() -> None:
    data = (CORPUS_DIR / TEXT_NAME).read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    manifest = read_manifest(CORPUS_DIR / "manifest.json")
    assert manifest.file == TEXT_NAME
    assert manifest.sha256 == EXPECTED_SHA256
    assert actual == manifest.sha256 == EXPECTED_SHA256


def test_loaded_corpus_reports_the_pinned_hash() -> None:
    corpus = get_corpus()
    assert corpus.sha256 == EXPECTED_SHA256
    assert corpus.short_sha == EXPECTED_SHA256[:12]
    assert corpus.source_id == "ad-systemic-therapy-guideline"
    assert corpus.text.encode("utf-8") == (CORPUS_DIR / TEXT_NAME).read_bytes()


def test_packaged_copy_is_byte_identical_to_shared_original(repo_root: Path) -> None:
    shared = repo_root.parent / "shared" / "corpus" / TEXT_NAME
    if not shared.exists():
        pytest.skip(f"no shared original at {shared} (only present in the multi-repo workspace), nothing to compare")
    assert (CORPUS_DIR / TEXT_NAME).read_bytes() == shared.read_bytes()


def test_get_corpus_is_cached() -> None:
    assert get_corpus() is get_corpus()


def test_from_text_of_the_same_text_equals_the_loaded_corpus() -> None:
    corpus = get_corpus()
    again = Corpus.from_text(corpus.text, corpus.manifest)
    assert again.sha256 == corpus.sha256
    assert again.passages == corpus.passages


# --- tampering ---------------------------------------------------------------------------------------------------


def test_unaltered_copy_loads(corpus_copy: Path) -> None:
    loaded = load_corpus(corpus_copy)
    assert loaded.sha256 == EXPECTED_SHA256
    assert loaded.passages == get_corpus().passages


@pytest.mark.parametrize(
    "position",
    [
        0,  # first byte (the title)
        500,  # somewhere in the essential steps
        -1,  # last byte (the final reference marker)
    ],
)
def test_copy_altered_by_one_byte_is_refused(corpus_copy: Path, position: int) -> None:
    path = corpus_copy / TEXT_NAME
    data = bytearray(path.read_bytes())
    data[position] = (data[position] + 1) % 128 or 65  # stays ASCII, always differs
    assert bytes(data) != (CORPUS_DIR / TEXT_NAME).read_bytes()
    path.write_bytes(bytes(data))
    altered_sha = hashlib.sha256(bytes(data)).hexdigest()

    with pytest.raises(CorpusIntegrityError) as info:
        load_corpus(corpus_copy)

    message = str(info.value)
    assert str(path) in message
    assert EXPECTED_SHA256 in message
    assert altered_sha in message
    assert info.value.expected == EXPECTED_SHA256
    assert info.value.actual == altered_sha
    assert info.value.path == str(path)


def test_dose_edit_in_copy_is_refused(corpus_copy: Path) -> None:
    # the clinically dangerous case: one digit of a dose changed
    path = corpus_copy / TEXT_NAME
    path.write_bytes(path.read_bytes().replace(b"600 mg", b"800 mg"))
    with pytest.raises(CorpusIntegrityError):
        load_corpus(corpus_copy)


def test_altered_copy_loads_only_without_verification(corpus_copy: Path) -> None:
    path = corpus_copy / TEXT_NAME
    path.write_bytes(path.read_bytes().replace(b"600 mg", b"800 mg"))
    loaded = load_corpus(corpus_copy, verify=False)
    assert loaded.sha256 != EXPECTED_SHA256
    assert "800 mg subcutaneous loading dose" in loaded.text


def test_trailing_newline_added_is_refused(corpus_copy: Path) -> None:
    path = corpus_copy / TEXT_NAME
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(CorpusIntegrityError):
        load_corpus(corpus_copy)


# --- manifest problems -------------------------------------------------------------------------------------------


def test_missing_manifest_is_a_manifest_error(corpus_copy: Path) -> None:
    (corpus_copy / "manifest.json").unlink()
    with pytest.raises(ManifestError, match="not found"):
        load_corpus(corpus_copy)


@pytest.mark.parametrize(
    "content",
    [
        "",  # empty file
        "{",  # truncated JSON
        "not json at all",  # garbage
    ],
)
def test_unparseable_manifest_is_a_manifest_error(corpus_copy: Path, content: str) -> None:
    (corpus_copy / "manifest.json").write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid JSON"):
        load_corpus(corpus_copy)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda m: m.pop("sha256"), id="sha256-missing"),
        pytest.param(lambda m: m.update(sha256="XYZ"), id="sha256-not-hex"),
        pytest.param(lambda m: m.update(sha256=EXPECTED_SHA256[:-1]), id="sha256-63-digits"),
        pytest.param(lambda m: m.pop("headings"), id="headings-missing"),
        pytest.param(lambda m: m.update(unexpected="field"), id="extra-field"),
        pytest.param(lambda m: m["headings"][0].update(level=3), id="heading-level-3"),
        pytest.param(lambda m: m["headings"][0].update(slug="Not A Slug"), id="bad-slug"),
        pytest.param(lambda m: m.update(file=None), id="file-null"),
    ],
)
def test_malformed_manifest_is_a_manifest_error(corpus_copy: Path, edit: object) -> None:
    _edit_manifest(corpus_copy, edit)
    with pytest.raises(ManifestError, match="malformed"):
        load_corpus(corpus_copy)


def test_manifest_with_wrong_hash_refuses_the_real_text(corpus_copy: Path) -> None:
    _edit_manifest(corpus_copy, lambda m: m.update(sha256="0" * 64))
    with pytest.raises(CorpusIntegrityError) as info:
        load_corpus(corpus_copy)
    assert "0" * 64 in str(info.value) and EXPECTED_SHA256 in str(info.value)


def test_manifest_naming_a_missing_file_fails(corpus_copy: Path) -> None:
    _edit_manifest(corpus_copy, lambda m: m.update(file="nope.txt"))
    with pytest.raises(FileNotFoundError):
        load_corpus(corpus_copy)


# --- the manifest's headings drive segmentation -----------------------------------------------------------------


@pytest.mark.parametrize(
    "index",
    [
        3,  # "Dupilumab (Strongest Recommendation)"
        7,  # "Cyclosporine (Conditional Recommendation)"
        13,  # "Practical Treatment Algorithm" (the last one)
    ],
)
def test_heading_removed_from_manifest_is_a_segmentation_error(corpus_copy: Path, index: int) -> None:
    removed: list[str] = []
    _edit_manifest(corpus_copy, lambda m: removed.append(m["headings"].pop(index)["text"]))
    with pytest.raises(SegmentationError) as info:
        load_corpus(corpus_copy)
    assert removed[0] in str(info.value)


def test_first_heading_removed_leaves_a_line_before_any_heading(corpus_copy: Path) -> None:
    _edit_manifest(corpus_copy, lambda m: m["headings"].pop(0))
    with pytest.raises(SegmentationError, match="before the first heading"):
        load_corpus(corpus_copy)


def test_heading_listed_but_absent_from_text_is_a_segmentation_error(corpus_copy: Path) -> None:
    extra = {"text": "A Heading That Is Not There", "level": 1, "slug": "ghost"}
    _edit_manifest(corpus_copy, lambda m: m["headings"].append(extra))
    with pytest.raises(SegmentationError, match="A Heading That Is Not There"):
        load_corpus(corpus_copy)


def test_heading_listed_twice_is_a_segmentation_error(corpus_copy: Path) -> None:
    _edit_manifest(corpus_copy, lambda m: m["headings"].append(dict(m["headings"][1])))
    with pytest.raises(SegmentationError, match="twice"):
        load_corpus(corpus_copy)
