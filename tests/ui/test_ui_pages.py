"""Guideline, Review and Evals pages through AppTest."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from adguide_ui_helpers import APP, DUPILUMAB_QUOTE, page_text, unescape
from streamlit.testing.v1 import AppTest

from ui.reviews import ReviewStore

TIMEOUT = 60


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


# ---------------------------------------------------------------------------------------------------- guideline
def test_guideline_shows_every_passage_with_id_and_citing_rules() -> None:
    at = _run(_app().switch_page("pages/guideline.py"))
    text = page_text(at)
    from corpus import get_corpus

    for p in get_corpus().passages:
        assert f"`{p.id}`" in text or p.kind == "heading", p.id
    assert DUPILUMAB_QUOTE in text
    assert "cited by `DOSE-DUPILUMAB`" in text


def test_guideline_deep_link_highlights_the_passage() -> None:
    at = _app()
    at.query_params["passage"] = "dupilumab-2"
    _run(at.switch_page("pages/guideline.py"))
    assert "Linked passage `dupilumab-2`" in unescape("\n".join(str(i.value) for i in at.info))
    assert any(":orange-background[" in str(m.value) and "600 mg" in str(m.value) for m in at.markdown)


def test_guideline_unknown_deep_link_and_search() -> None:
    at = _app()
    at.query_params["passage"] = "<b>nope</b>"
    _run(at.switch_page("pages/guideline.py"))
    assert any("No passage with id" in str(w.value) and "\\<b\\>" in str(w.value) for w in at.warning)
    at.text_input(key="guideline_search").set_value("cyclosporine").run()
    text = page_text(at)
    assert "Typical dosing: 3-5 mg/kg/day orally divided twice daily" in text
    assert DUPILUMAB_QUOTE not in text


def test_chat_quote_links_to_the_guideline_passage() -> None:
    at = _app()
    at.chat_input[0].set_value("Dupixent dosing for an adult?").run()
    links = [pl for pl in at.get("page_link")]
    assert any("dupilumab-2" in pl.proto.label and "passage=dupilumab-2" in pl.proto.query_string for pl in links)


# ------------------------------------------------------------------------------------------------------ review
def test_review_is_stored_durably_with_answer_and_corpus(adguide_home: Path) -> None:
    at = _app()
    at.chat_input[0].set_value("Dupixent dosing for an adult?").run()
    _run(at.switch_page("pages/review.py"))
    assert at.selectbox(key="review_pick").value == 1
    at.radio(key="review_verdict").set_value("incorrect")
    at.selectbox(key="review_reason").set_value("wrong_dose")
    at.text_area(key="review_comment").set_value("loading dose should be checked")
    at.text_input(key="review_reviewer").set_value("Dr Test")
    next(b for b in at.button if b.label == "Save verdict").click()
    _run(at)
    assert any("Saved review" in str(s.value) for s in at.success)

    db = adguide_home / "adguide.sqlite"
    assert db.is_file()
    reviews = ReviewStore(db).list_reviews()  # a new store instance on the same file
    assert len(reviews) == 1
    r = reviews[0]
    assert (r.verdict, r.reason, r.comment, r.reviewer) == ("incorrect", "wrong_dose",
                                                            "loading dose should be checked", "Dr Test")
    assert r.question == "Dupixent dosing for an adult?"
    assert r.answer["decisions"][0]["rule_id"] == "DOSE-DUPILUMAB"
    from corpus import get_corpus

    assert r.corpus_sha256 == get_corpus().sha256
    # the list on the page shows it, and the filters work
    assert at.dataframe[0].value.shape[0] == 1
    at.multiselect(key="review_filter_verdict").set_value(["correct"]).run()
    assert not at.dataframe
    # a fresh session (new AppTest) still sees it
    fresh = _run(_app().switch_page("pages/review.py"))
    assert fresh.dataframe[0].value.shape[0] == 1


def test_review_needs_a_reason_unless_correct(adguide_home: Path) -> None:
    at = _app()
    at.chat_input[0].set_value("What is the tralokinumab dose?").run()
    _run(at.switch_page("pages/review.py"))
    at.radio(key="review_verdict").set_value("unsafe")
    next(b for b in at.button if b.label == "Save verdict").click()
    _run(at)
    assert any("Pick a reason" in str(e.value) for e in at.error)
    assert ReviewStore(adguide_home / "adguide.sqlite").count() == 0


def test_review_exports_are_csv_and_loadable_golden_yaml(adguide_home: Path, tmp_path: Path) -> None:
    from assistant.conversation import Conversation
    from assistant.pipeline import get_assistant

    answer = get_assistant().ask("Dupixent dosing for an adult?", Conversation())
    store = ReviewStore()
    store.add(answer, verdict="correct", comment="matches the text")
    reviews = store.list_reviews()
    csv_text = ReviewStore.to_csv(reviews)
    assert csv_text.splitlines()[0].startswith("id,created_at,verdict,reason")
    out = tmp_path / "suite" / "reviewed.yaml"
    out.parent.mkdir()
    out.write_text(ReviewStore.to_yaml(reviews), encoding="utf-8")
    evals = pytest.importorskip("evals", reason="the eval harness is needed to load the exported YAML")
    suite = evals.load_suite(out.parent)
    case = suite.cases[0]
    assert case.category == "reviewed" and case.question == "Dupixent dosing for an adult?"
    assert case.expect.status == "answered" and DUPILUMAB_QUOTE in case.expect.cites
    assert case.expect.decisions[0].rule_id == "DOSE-DUPILUMAB"


# ------------------------------------------------------------------------------------------------------- evals
def _small_suite(folder: Path) -> Path:
    folder.mkdir()
    (folder / "smoke.yaml").write_text(textwrap.dedent(f"""\
        - id: smoke-dupi
          category: smoke
          question: "Dupixent dosing for an adult?"
          expect:
            status: answered
            decisions: [{{rule_id: DOSE-DUPILUMAB, drug: dupilumab}}]
            cites: ["{DUPILUMAB_QUOTE}"]
        - id: smoke-wrong-on-purpose
          category: smoke
          question: "What is the tralokinumab dose?"
          expect:
            status: answered
        """), encoding="utf-8")
    return folder


def test_evals_page_runs_a_suite_and_shows_results(tmp_path: Path) -> None:
    try:
        import evals  # noqa: F401
        from evals import load_suite, run_suite  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"eval harness not available: {exc}")
    suite = _small_suite(tmp_path / "suite")
    at = _run(_app().switch_page("pages/evals.py"))
    at.text_input(key="eval_suite").set_value(str(suite))
    at.button(key="eval_run").click()
    _run(at)
    assert not at.warning or all("cannot be loaded" not in str(w.value) for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Passed"] == "1/2"
    assert metrics["Pass rate"] == "50.0%"
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # the per-category chart
    assert any("smoke-wrong-on-purpose" in e.label for e in at.expander)


def test_evals_page_scores_retrieval_against_the_committed_baseline() -> None:
    import json

    at = _run(_app().switch_page("pages/evals.py"))
    at.selectbox(key="retrieval_set").set_value("evals/retrieval_blind2")
    at.button(key="retrieval_run").click()
    _run(at)
    metrics = {m.label: m for m in at.metric}
    baseline = json.loads(Path("evals/retrieval_baseline.json").read_text())["evals/retrieval_blind2"]
    assert metrics["Recall@3"].value == f"{baseline['recall_at_3']:.2f}"  # the same figures make test gates
    assert "vs baseline" in str(metrics["Recall@3"].delta)
    assert metrics["False answer"].value == f"{baseline['false_answer']:.1%}"


def test_evals_page_offers_every_gated_retrieval_set() -> None:
    import json

    from ui.pages.evals import RETRIEVAL_SETS

    gated = json.loads(Path("evals/retrieval_baseline.json").read_text())
    assert set(RETRIEVAL_SETS) == set(gated)  # a set added to the gate appears on the page with no second list
    makefile = Path("Makefile").read_text()
    assert all(name in makefile for name in gated)  # ... and make test scores each of them


def test_evals_page_explains_a_missing_suite(tmp_path: Path) -> None:
    at = _run(_app().switch_page("pages/evals.py"))
    at.text_input(key="eval_suite").set_value(str(tmp_path / "nowhere"))
    at.button(key="eval_run").click()
    _run(at)
    assert any("nowhere" in unescape(str(w.value)) for w in at.warning)


# ---------------------------------------------------------------------------------------------------- audit store
def test_an_audit_store_that_cannot_be_opened_is_said_in_the_sidebar_and_answers_go_on(tmp_path, monkeypatch) -> None:
    """A failing store never blocks an answer: the app answers, and its sidebar says nothing is being recorded."""
    from assistant.pipeline import get_assistant

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ADGUIDE_HOME", str(blocker / "home"))  # nothing can be created under a file
    get_assistant.cache_clear()
    try:
        at = _app()
        warnings = [unescape(str(w.value)) for w in at.sidebar.warning]
        assert any("answers are not being recorded" in w for w in warnings), warnings
        at.chat_input[0].set_value("Dupixent dosing for an adult?").run()
        assert not at.exception, at.exception
        assert DUPILUMAB_QUOTE in page_text(at)
        assert any("could not be recorded" in unescape(str(w.value)) for w in at.main.warning)
    finally:
        get_assistant.cache_clear()
