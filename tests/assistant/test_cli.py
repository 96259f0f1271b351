"""The command line: `adguide decide` and `adguide rules` reach the core without any chat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from core import RULES
from corpus import get_corpus

runner = CliRunner()


def _json(args: list[str]) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    ("args", "status", "rule_id", "verdict"),
    [
        # 72 years: 30 mg is never allowed at >=65
        (["--drug", "upadacitinib", "--age", "72", "--escalate"], "answered", "DOSE-UPADACITINIB-ESCALATION",
         "escalation_not_allowed"),
        # 40 years, renal function unknown: ask before allowing 30 mg
        (["--drug", "upadacitinib", "--age", "40", "--escalate"], "needs_info", "DOSE-UPADACITINIB-ESCALATION",
         "needs_info"),
        # 40 years, eGFR 90: 30 mg allowed if response is inadequate
        (["--drug", "upadacitinib", "--age", "40", "--egfr", "90", "--escalate"], "answered",
         "DOSE-UPADACITINIB-ESCALATION", "escalation_allowed"),
        # no dose in the guideline
        (["--drug", "tralokinumab"], "not_covered", "DOSE-TRALOKINUMAB", "no_dose_in_guideline"),
        # methotrexate asked daily: corrected to weekly
        (["--drug", "methotrexate", "--age", "40", "--frequency", "daily"], "answered", "DOSE-METHOTREXATE",
         "frequency_corrected"),
        # facts from repeatable -f FIELD=VALUE
        (["--topic", "eligibility", "-f", "bsa_percent=12", "-f", "topical_trial_days=6"], "answered",
         "ELIG-SYSTEMIC", "not_yet"),
    ],
)
def test_decide_json(args: list[str], status: str, rule_id: str, verdict: str) -> None:
    out = _json(["decide", *args, "--json"])
    assert out["status"] == status
    assert out["decisions"][0]["rule_id"] == rule_id
    assert out["decisions"][0]["verdict"] == verdict
    assert out["decisions"][0]["citations"]


def test_decide_computes_weight_based_dose_from_pounds() -> None:
    out = _json(["decide", "--drug", "cyclosporine", "--weight-lb", "154", "--json"])
    dose = out["decisions"][0]["doses"][0]
    assert (dose["patient_low_mg"], dose["patient_high_mg"]) == (209.6, 349.3)
    assert "154 lb × 0.45359237" in out["decisions"][0]["formula"]


def test_decide_readable_output_shows_quotes_and_criteria() -> None:
    result = runner.invoke(app, ["decide", "--drug", "upadacitinib", "--age", "72", "--escalate"])
    assert result.exit_code == 0
    assert "✗ age <65 years: age 72 years" in result.output
    assert '> "Age restrictions: For patients 12 years and older weighing ≥40 kg" — jak-3 [refs 3]' in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--age", "300"], "age_years: must be 0 to 120 years (got 300)"),  # impossible age
        (["--weight-kg", "-5"], "weight_kg: must be 0.3 to 400 kg (got -5)"),  # negative weight
        (["-f", "bsa_percent=140"], "bsa_percent: must be 0 to 100 % (got 140)"),  # BSA over 100%
        (["--topic", "dosage"], "topic"),  # unknown topic names the field
        (["-f", "nonsense"], "use FIELD=VALUE"),  # malformed option
    ],
)
def test_decide_rejects_bad_input_with_reason(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["decide", *args, "--json"])
    assert result.exit_code == 2
    out = json.loads(result.output)
    assert out["status"] == "invalid_input"
    assert any(message in p for p in out["problems"]), out["problems"]


def test_rules_json_lists_every_rule_with_verbatim_citations() -> None:
    rows = _json(["rules", "--json"])
    assert [r["rule_id"] for r in rows] == list(RULES)
    text = get_corpus().text
    for row in rows:
        assert row["citations"], row["rule_id"]
        for c in row["citations"]:
            assert set(c) == {"source", "passage_id", "quote", "refs"}
            assert c["quote"] in text


def test_chat_repl_keeps_facts_across_turns_and_new_patient_clears_them() -> None:
    turns = "\n".join([
        "60 yo, eGFR 80, on upadacitinib 15 mg with inadequate response, go to 30?",
        "and if she were 70?",
        "facts",
        "actually she is 70",
        "facts",
        "new",
        "facts",
        "quit",
    ]) + "\n"
    result = runner.invoke(app, ["chat"], input=turns)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "may be increased to 30 mg once daily" in out  # first turn: 60 years, eGFR 80
    assert "Do not increase to 30 mg" in out  # second turn: the hypothetical age, the rest carried over
    assert "Hypothetical:" in out
    first_facts, corrected_facts = out.split('"egfr": 80')[1:3]
    assert '"age_years": 60' in first_facts  # a hypothetical leaves the stored facts unchanged
    assert '"age_years": 70' in corrected_facts  # a correction replaces the value
    assert "(new patient)" in out
    assert out.rstrip().endswith("{}") or "{}\nyou>" in out  # facts empty after 'new'


# --- bad input: never a crash, never a guess, nothing lost ------------------------------------------------------


def test_jsonl_answers_every_line_even_with_invalid_utf8() -> None:
    lines = [b"Dupixent dose for an adult?", b"\xff\xfe dupilumab \xc3\x28 dose?", b"", b"tralokinumab dose?"]
    result = runner.invoke(app, ["ask", "--jsonl"], input=b"\n".join(lines) + b"\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.output.splitlines() if x.startswith("{")]
    assert len(out) == len(lines)  # one answer per input line, the undecodable one included
    assert "\ufffd" in out[1]["question"]  # replaced, not dropped
    assert out[3]["status"] == "not_covered"


def test_jsonl_overlong_line_is_answered_without_buffering_it_and_the_next_line_still_is() -> None:
    from assistant.cli import MAX_LINE_BYTES

    huge = b"a" * (MAX_LINE_BYTES * 3)
    result = runner.invoke(app, ["ask", "--jsonl"], input=huge + b"\nDupixent dose for an adult?\n")
    out = [json.loads(x) for x in result.output.splitlines() if x.startswith("{")]
    assert [o["status"] for o in out] == ["refused", "answered"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "larger than"),  # /dev/zero: an endless file is refused after a bounded read
        (b"\xff\xfe{}", "not UTF-8"),  # undecodable bytes
        (b"[1, 2]", "must hold a JSON object"),  # JSON but not an object
        (b'{"age_years": 300}', "age_years"),  # an impossible value, named with its range
    ],
)
def test_decide_facts_file_bad_input_is_one_clear_message(tmp_path: Path, content: bytes | None,
                                                          fragment: str) -> None:
    path = Path("/dev/zero") if content is None else tmp_path / "facts.json"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(app, ["decide", "--drug", "dupilumab", "--facts", str(path), "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.output)
    assert payload["status"] == "invalid_input"
    assert any(fragment in p for p in payload["problems"]), payload


def test_argv_bytes_that_are_not_utf8_are_replaced_and_answered() -> None:
    from assistant.cli import _from_argv

    question = _from_argv("dupilumab dose \udcff for an adult")  # how Python hands over an undecodable argv byte
    assert question == "dupilumab dose \ufffd for an adult"
    result = runner.invoke(app, ["ask", "--json", question])
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "answered"
