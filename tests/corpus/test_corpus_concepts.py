"""The concept map is data checked against the corpus when it loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import ConceptMapError, get_concepts, get_corpus, load_concepts


def test_the_packaged_map_loads_and_points_every_citable_passage_somewhere() -> None:
    concepts = get_concepts()
    citable = {p.id for p in get_corpus().passages if p.kind not in ("title", "heading")}
    pointed = {pid for c in concepts for pid in c.passages}
    assert pointed <= citable
    assert pointed == citable  # no passage is out of reach of every concept
    assert len({c.id for c in concepts}) == len(concepts)


@pytest.mark.parametrize(("text", "error"), [
    ("- {id: a, label: A, passages: [no-such-1], terms: [x]}", "'no-such-1' is not a citable passage id"),
    ("- {id: a, label: A, passages: [dupilumab], terms: [x]}", "'dupilumab' is not a citable"),  # a heading
    ("- {id: a, label: A, passages: [dupilumab-2], terms: [600]}", "reads as a number"),  # 600 is an int
    ("- {id: a, label: A, passages: [dupilumab-2], terms: []}", "at least 1"),
    ("- {id: a, label: A, passages: [dupilumab-2], terms: [x], colour: red}", "Extra inputs"),
    ("- {id: a, label: A, passages: [dupilumab-2], terms: [x]}\n"
     "- {id: a, label: B, passages: [dupilumab-3], terms: [y]}", "duplicate concept id 'a'"),
    ("{a: 1}", "a YAML list"),
    ("- [unclosed", "Cannot read"),
])
def test_an_invalid_map_is_refused_naming_the_entry(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "concepts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConceptMapError, match=error):
        load_concepts(path)


def test_a_missing_map_says_how_to_restore_it(tmp_path: Path) -> None:
    with pytest.raises(ConceptMapError, match="git checkout"):
        load_concepts(tmp_path / "absent.yaml")
