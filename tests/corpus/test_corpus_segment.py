"""Segmentation: passages, ids, offsets and reference markers reproduce the guideline text exactly."""

from __future__ import annotations

import pytest

from corpus import Corpus, Passage, QuoteNotFoundError, segment, split_refs


def test_every_passage_slice_is_its_text(corpus: Corpus) -> None:
    for p in corpus.passages:
        assert corpus.text[p.start : p.end] == p.text, p.id
        assert corpus.text[p.quote_start : p.quote_end] == p.quote, p.id
        assert p.start <= p.quote_start <= p.quote_end <= p.end, p.id
        assert p.quote and p.quote in p.text, p.id


def test_passage_lines_rebuild_the_whole_text(corpus: Corpus) -> None:
    lines = corpus.text.split("\n")
    by_line = {p.line: p.text for p in corpus.passages}
    # every non-blank line is a passage, and the passages joined with "\n" (blank lines kept) are the text
    assert sorted(by_line) == [n for n, line in enumerate(lines, start=1) if line.strip()]
    assert "\n".join(by_line.get(n, lines[n - 1]) for n in range(1, len(lines) + 1)) == corpus.text
    # the corpus has no blank lines: the passages alone rebuild it
    assert "\n".join(p.text for p in corpus.passages) == corpus.text


def test_passages_are_in_order_and_do_not_overlap(corpus: Corpus) -> None:
    ends = [-1]
    for p in corpus.passages:
        assert p.start > ends[-1]
        ends.append(p.end)
    assert [p.line for p in corpus.passages] == sorted(p.line for p in corpus.passages)


def test_ids_are_unique(corpus: Corpus) -> None:
    ids = [p.id for p in corpus.passages]
    assert len(ids) == len(set(ids)) == 58


def test_segmenting_twice_gives_the_same_passages(corpus: Corpus) -> None:
    first = segment(corpus.text, corpus.manifest.headings)
    second = segment(corpus.text, corpus.manifest.headings)
    assert first == second == corpus.passages


@pytest.mark.parametrize(
    ("passage_id", "line", "kind", "starts_with"),
    [
        ("overview", 1, "title", "Oral Systemic Treatment Options"),  # the title
        ("overview-1", 2, "statement", "For patients with moderate-to-severe"),  # summary sentence
        ("before-systemic-1", 4, "intro", "You must complete these assessments"),  # intro ending in ':'
        ("before-systemic-3", 6, "statement", "Treat active infections"),  # infections
        ("before-systemic-5", 8, "statement", "Document disease severity"),  # severity documentation
        ("dupilumab", 11, "heading", "Dupilumab (Strongest Recommendation)"),  # drug heading
        ("dupilumab-2", 13, "statement", "Dosing: 600 mg subcutaneous loading dose"),  # the dupilumab dosing line
        ("jak-2", 22, "statement", "Upadacitinib dosing for atopic dermatitis"),  # upadacitinib dosing
        ("jak-3", 23, "statement", "Age restrictions: For patients 12 years"),  # upadacitinib population
        ("second-line-1", 26, "intro", "These receive conditional (weaker)"),  # intro
        ("cyclosporine-1", 28, "statement", "Typical dosing: 3-5 mg/kg/day"),  # cyclosporine dose
        ("methotrexate-1", 33, "statement", "Typical dosing: 7.5-25 mg orally once weekly"),  # methotrexate dose
        ("mycophenolate-1", 40, "statement", "Typical dosing: 1.0-1.5 g orally"),  # mycophenolate dose
        ("corticosteroids-2", 45, "bullet", "Use only for short-term rescue"),  # the only bullet
        ("pitfalls-4", 50, "statement", "Do not prescribe oral antihistamines"),  # antihistamines 42%
        ("algorithm-6", 58, "statement", "Avoid systemic corticosteroids"),  # the last line
    ],
)
def test_known_ids(corpus: Corpus, passage_id: str, line: int, kind: str, starts_with: str) -> None:
    p = corpus.passage(passage_id)
    assert p.line == line
    assert p.kind == kind
    assert p.quote.startswith(starts_with)
    assert corpus.text.split("\n")[line - 1] == p.text


_FIRST_LINE = "First-Line Systemic Options: Biologics and JAK Inhibitors"


@pytest.mark.parametrize(
    ("passage_id", "section", "subsection"),
    [
        ("dupilumab-2", _FIRST_LINE, "Dupilumab (Strongest Recommendation)"),
        ("jak-3", _FIRST_LINE, "JAK Inhibitors (Strong Recommendations)"),
        ("azathioprine-1", "Second-Line Traditional Immunosuppressants (Conditional Recommendations)",
         "Azathioprine (Conditional Recommendation)"),
        ("second-line-1", "Second-Line Traditional Immunosuppressants (Conditional Recommendations)", None),
        ("pitfalls-4", "Critical Clinical Pitfalls to Avoid", None),
        ("corticosteroids-2", "Systemic Corticosteroids: Conditional Recommendation AGAINST", None),
    ],
)
def test_sections_and_subsections(corpus: Corpus, passage_id: str, section: str, subsection: str | None) -> None:
    p = corpus.passage(passage_id)
    assert (p.section, p.subsection) == (section, subsection)
    assert p.heading_path == (f"{section} › {subsection}" if subsection else section)


def test_bullet_quote_drops_the_bullet_prefix(corpus: Corpus) -> None:
    p = corpus.passage("corticosteroids-2")
    assert p.text.startswith("- ")
    assert p.quote_start == p.start + 2
    assert not p.quote.startswith("-")


def test_headings_carry_no_refs_and_quote_the_whole_line(corpus: Corpus) -> None:
    headings = [p for p in corpus.passages if p.kind in ("title", "heading")]
    assert [p.text for p in headings] == [h.text for h in corpus.manifest.headings]
    for p in headings:
        assert p.refs == () and p.quote == p.text and p.id == next(
            h.slug for h in corpus.manifest.headings if h.text == p.text)


def test_statements_carry_refs_and_quotes_exclude_them(corpus: Corpus) -> None:
    for p in corpus.passages:
        if p.kind in ("statement", "bullet"):
            assert p.refs, p.id
            assert p.text.endswith(p.refs[-1]), p.id
            assert not p.quote.endswith(" "), p.id
        if p.kind == "intro":
            assert p.refs == () and p.quote.endswith(":"), p.id


# --- reference markers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "body", "refs"),
    [
        # two markers after a number that is part of the sentence
        ("… every 2 weeks 2, 3", "… every 2 weeks", ("2", "3")),
        # decimal and ranged numbers inside, one marker
        ("1.0-1.5 g orally twice daily; pediatric 30-50 mg/kg daily 1", "1.0-1.5 g orally twice daily; pediatric "
         "30-50 mg/kg daily", ("1",)),
        # the real dupilumab dosing line
        ("Dosing: 600 mg subcutaneous loading dose, then 300 mg subcutaneous every 2 weeks 2, 3",
         "Dosing: 600 mg subcutaneous loading dose, then 300 mg subcutaneous every 2 weeks", ("2", "3")),
        # ends in a unit-bearing number: '40 kg 3' → ref 3 only
        ("For patients 12 years and older weighing ≥40 kg 3", "For patients 12 years and older weighing ≥40 kg",
         ("3",)),
        # sentence ending with a period, then markers
        ("strong recommendation. 1, 2", "strong recommendation.", ("1", "2")),
        # two-digit marker
        ("some claim 12", "some claim", ("12",)),
        # markers with no space after the comma
        ("some claim 4,6", "some claim", ("4", "6")),
        # no marker at all
        ("Practical Treatment Algorithm", "Practical Treatment Algorithm", ()),
        # intro line ending in a colon
        ("These receive conditional recommendations:", "These receive conditional recommendations:", ()),
        # a three-digit trailing number is not a marker
        ("loading dose 600", "loading dose 600", ()),
        # a number glued to a word is not a marker
        ("IL-13", "IL-13", ()),
        # a trailing percentage is not a marker
        ("response rate 42%", "response rate 42%", ()),
    ],
)
def test_split_refs(line: str, body: str, refs: tuple[str, ...]) -> None:
    assert split_refs(line) == (body, refs)


def test_every_passage_refs_agree_with_split_refs(corpus: Corpus) -> None:
    for p in corpus.passages:
        if p.kind in ("statement", "bullet", "intro"):
            body, refs = split_refs(p.text)
            assert refs == p.refs
            assert body.endswith(p.quote)


# --- locate / contains -------------------------------------------------------------------------------------------


def test_locate_finds_the_single_passage(corpus: Corpus) -> None:
    assert corpus.locate("600 mg subcutaneous loading dose").id == "dupilumab-2"
    assert corpus.locate("42% response rate").id == "pitfalls-4"


@pytest.mark.parametrize(
    "quote",
    [
        "",  # empty
        "800 mg subcutaneous loading dose",  # not in the text
        "Monitoring: CBC, CMP",  # in three passages: ambiguous
        "every 2 weeks 2, 3",  # includes reference markers, which are not citable text
    ],
)
def test_locate_refuses_missing_ambiguous_or_marker_quotes(corpus: Corpus, quote: str) -> None:
    with pytest.raises(QuoteNotFoundError):
        corpus.locate(quote)


def test_contains(corpus: Corpus) -> None:
    assert corpus.contains("7.5-25 mg orally once weekly")
    assert not corpus.contains("")
    assert not corpus.contains("7.5-25 mg orally once daily")


def test_passage_lookup_unknown_id(corpus: Corpus) -> None:
    with pytest.raises(KeyError):
        corpus.passage("dupilumab-99")


def test_passage_model_is_frozen(corpus: Corpus) -> None:
    p: Passage = corpus.passages[0]
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on a frozen model
        p.text = "changed"  # type: ignore[misc]
