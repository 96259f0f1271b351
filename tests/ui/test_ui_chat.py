"""Chat page through AppTest: answers, quotes, badges, the Patient panel and its validation."""

from __future__ import annotations

from typing import Any

from adguide_ui_helpers import APP, DUPILUMAB_QUOTE, page_text, sidebar_widget, unescape
from streamlit.testing.v1 import AppTest

from ui.common import escape_md

TIMEOUT = 60


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def _facts(at: AppTest) -> dict[str, Any]:
    return dict(at.session_state["conversation"].facts)


def _apply(at: AppTest) -> AppTest:
    next(b for b in at.sidebar.button if b.label == "Apply to next answer").click().run()
    assert not at.exception, at.exception
    return at


def test_landing_shows_examples_mode_and_corpus_version() -> None:
    at = _app()
    labels = [b.label for b in at.button]
    assert "Dupixent dosing for an adult?" in labels
    assert "pt 154 lb starting CsA how much/day" in labels
    sidebar = "\n".join(str(c.value) for c in at.sidebar.caption)
    assert "Mode: **offline**" in sidebar
    from corpus import get_corpus

    assert get_corpus().short_sha in sidebar


def test_dupixent_answer_shows_dose_badge_and_verbatim_quote() -> None:
    at = _ask(_app(), "Dupixent dosing for an adult?")
    text = page_text(at)
    assert "600 mg" in text
    assert "300 mg subcutaneous every 2 weeks" in text
    # the quote is rendered as a quote block, verbatim
    assert any(str(m.value) == "> " + escape_md(DUPILUMAB_QUOTE) for m in at.markdown)
    assert DUPILUMAB_QUOTE in text
    assert "dupilumab-2" in text  # passage id next to the quote
    assert any("Answered" in str(m.value) for m in at.markdown)  # status badge
    assert any(e.label == "Why" for e in at.expander)
    assert len(at.chat_message) == 2


def test_a_dont_answer_leads_with_a_red_verdict_and_an_alert_for_each_block() -> None:
    at = _ask(_app(), "is upadacitinib a good choice for my 10 year old, 35 kg?")
    badges = [str(m.value) for m in at.markdown]
    assert any("Do not" in b and "red" in b for b in badges), badges  # the verdict, not a green 'answered'
    errors = [unescape(str(e.value)) for e in at.error]
    assert any("12 years and older" in e for e in errors), errors  # the block is an alert, not in an expander


def test_a_caution_is_a_warning_above_the_answer() -> None:
    at = _ask(_app(), "upadacitinib dose for a 72 year old?")
    warnings = [unescape(str(w.value)) for w in at.warning]
    assert any("only 15 mg once daily" in w for w in warnings), warnings
    assert any("Go" in str(m.value) and "green" in str(m.value) for m in at.markdown)


def test_example_button_asks_the_question() -> None:
    at = _app()
    next(b for b in at.button if b.label == "What is the tralokinumab dose?").click().run()
    assert not at.exception, at.exception
    assert len(at.chat_message) == 2
    assert any("Not covered" in str(m.value) for m in at.markdown)


def test_sidebar_weight_edit_changes_the_next_dose() -> None:
    at = _ask(_app(), "pt 70 kg starting cyclosporine how much/day")
    assert "210-350 mg/day" in page_text(at)
    weight = sidebar_widget(at, "number_input", "Weight (kg)")
    assert weight.value == 70
    weight.set_value(80.0)
    _apply(at)
    assert _facts(at)["weight_kg"] == 80
    _ask(at, "cyclosporine dose?")
    last = at.chat_message[-1]
    last_text = "\n".join(str(m.value) for m in last.markdown)
    assert "240-400 mg/day" in last_text
    assert "210-350 mg/day" not in last_text


def test_invalid_edit_is_shown_not_applied_and_not_lost() -> None:
    at = _ask(_app(), "pt 70 kg starting cyclosporine how much/day")
    sidebar_widget(at, "number_input", "Weight (kg)").set_value(-5.0)
    _apply(at)
    errors = unescape("\n".join(str(e.value) for e in at.sidebar.error))
    assert "Not applied" in errors and "weight_kg" in errors and "-5" in errors
    assert _facts(at)["weight_kg"] == 70  # unchanged
    assert sidebar_widget(at, "number_input", "Weight (kg)").value == -5  # the typed value is kept for correction
    _ask(at, "cyclosporine dose?")
    assert "210-350 mg/day" in "\n".join(str(m.value) for m in at.chat_message[-1].markdown)


def test_lb_edit_replaces_kg_and_new_patient_clears_facts() -> None:
    at = _ask(_app(), "pt 70 kg starting cyclosporine how much/day")
    sidebar_widget(at, "number_input", "Weight (lb)").set_value(154.0)
    _apply(at)
    facts = _facts(at)
    assert facts.get("weight_lb") == 154 and "weight_kg" not in facts
    next(b for b in at.sidebar.button if b.label == "New patient").click().run()
    assert _facts(at) == {}
    assert sidebar_widget(at, "number_input", "Weight (kg)").value is None
    assert any("New patient" in str(c.value) for c in at.caption)


def test_user_text_is_never_rendered_as_html_or_markdown() -> None:
    at = _ask(_app(), "<script>alert(1)</script> **bold** [x](http://evil.example) $x$ dupilumab dose for adult?")
    assert not any(getattr(m.proto, "allow_html", False) for m in at.markdown)
    user = str(at.chat_message[0].markdown[0].value)
    assert "<script>" not in user and "\\<script\\>" in user
    assert "**bold**" not in user and "\\*\\*bold\\*\\*" in user
    assert "[x](" not in user


def test_escape_md_neutralises_markup() -> None:
    assert escape_md("# title") == "\\# title"
    assert escape_md("1. item") == "1\\. item"
    assert escape_md("- item") == "\\- item"
    assert escape_md(":red[x]") == ":red\\[x\\]"
    assert escape_md("3-5 mg/kg/day: 210-350 mg/day") == "3-5 mg/kg/day: 210-350 mg/day"


def test_escalation_answer_leads_with_the_verdict() -> None:
    at = _ask(_app(), "72 yo on upadacitinib 15 mg, can I go to 30?")
    headline = str(at.chat_message[-1].subheader[0].value)
    assert "escalation not allowed" in headline and "15 mg oral once daily" in headline
    assert "30 mg" not in headline
    assert _facts(at)["age_years"] == 72
    assert sidebar_widget(at, "number_input", "Age (years)").value == 72


def test_an_informational_answer_shows_the_answering_passage_once_with_its_lead() -> None:
    at = _ask(_app(), "my patient on dupilumab has red itchy eyes, what should I do?")
    from corpus import get_corpus

    quote = get_corpus().passage("dupilumab-5").quote
    blocks = [str(m.value) for m in at.markdown if str(m.value) == "> " + escape_md(quote)]
    assert len(blocks) == 1  # its own section, not repeated in the body text
    text = page_text(at)
    assert "The guideline on this (verbatim):" in text
    assert "preservative-free lubricants" in text and "dupilumab-5" in text
    assert "[dupilumab-5]" not in text  # the plain-text marker is replaced by the section
