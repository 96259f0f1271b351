"""The ``adguide`` command line: ``decide`` and ``rules`` reach the core; ``ask`` and ``chat`` the assistant."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="adguide: cited, rule-based answers on systemic therapy for atopic dermatitis.")

_JSON = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


EXIT_INVALID_INPUT = 2
"""Exit code: the input was invalid, nothing was decided."""
EXIT_NOT_RECORDED = 3
"""Exit code of ``ask`` and ``chat``: every question was answered, but at least one answer could not be recorded
in the audit trail (a read-only home, a damaged store that could not be moved aside, an unreachable server …).
Each such answer has ``"recorded": false`` and says why in ``problems``."""

MAX_FACTS_BYTES = 64 * 1024
"""Largest ``--facts`` file read; patient facts are a few hundred bytes."""
MAX_LINE_BYTES = 64 * 1024
"""Longest stdin line read whole by ``ask --jsonl``; a longer one is answered (refused as too long), not buffered."""


def _stdin_lines() -> Iterator[str]:
    """stdin lines as text: invalid UTF-8 replaced (U+FFFD), each line bounded, one item per input line."""
    stream = sys.stdin.buffer
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # skip the rest of an overlong line in bounded chunks; its head is still answered
                rest = stream.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line.decode("utf-8", errors="replace").rstrip("\r\n")


def _from_argv(text: str) -> str:
    """Text from argv or input(): undecodable bytes (kept by Python as surrogates) become U+FFFD."""
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _fail(messages: list[str], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"status": "invalid_input", "problems": messages}))
    else:
        typer.echo("Invalid input, nothing decided:", err=True)
        for m in messages:
            typer.echo(f"  - {m}", err=True)
    raise typer.Exit(EXIT_INVALID_INPUT)


@app.command()
def decide(
    topic: Annotated[str, typer.Option(help="dose, eligibility, pre_systemic, choice, monitoring, adverse_effects, "
                                            "concomitant, response, pitfalls or overview")] = "dose",
    drug: Annotated[str | None, typer.Option(help="e.g. dupilumab, upadacitinib, cyclosporine")] = None,
    facts_file: Annotated[Path | None, typer.Option("--facts", help="JSON file with patient facts")] = None,
    fact: Annotated[list[str] | None, typer.Option("--fact", "-f", help="FIELD=VALUE, repeatable "
                                                                        "(e.g. -f age_years=72 -f egfr=25)")] = None,
    age: Annotated[float | None, typer.Option(help="age in years")] = None,
    weight_kg: Annotated[float | None, typer.Option(help="weight in kg")] = None,
    weight_lb: Annotated[float | None, typer.Option(help="weight in lb")] = None,
    egfr: Annotated[float | None, typer.Option(help="eGFR, mL/min/1.73 m²")] = None,
    dose_mg: Annotated[float | None, typer.Option(help="a proposed dose in mg")] = None,
    frequency: Annotated[str | None, typer.Option(help="a proposed frequency: daily, twice_daily, weekly, "
                                                       "every_2_weeks")] = None,
    escalate: Annotated[bool, typer.Option(help="ask to increase the dose")] = False,
    pitfall: Annotated[str | None, typer.Option(help="a pitfall: antihistamines, antibiotics, ...")] = None,
    as_json: _JSON = False,
) -> None:
    """Run the rule core on facts, without any chat."""
    from pydantic import ValidationError

    from core import InvalidFactsError, Query, build_rulebook, describe_validation_error, parse_facts
    from core import decide as run
    from corpus import CorpusError, get_corpus

    data: dict[str, Any] = {}
    try:
        if facts_file is not None:
            with facts_file.open("rb") as fh:
                raw = fh.read(MAX_FACTS_BYTES + 1)  # bounded: '--facts /dev/zero' must not fill the memory
            if len(raw) > MAX_FACTS_BYTES:
                _fail([f"--facts {facts_file}: larger than {MAX_FACTS_BYTES:,} bytes; give a JSON object of patient "
                       "facts only"], as_json)
            loaded = json.loads(raw.decode("utf-8"))
            if not isinstance(loaded, dict):
                _fail([f"--facts {facts_file}: must hold a JSON object (field: value), not {type(loaded).__name__}"],
                      as_json)
            data.update(loaded)
    except UnicodeDecodeError as exc:
        _fail([f"--facts {facts_file}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8 JSON"],
              as_json)
    except (OSError, json.JSONDecodeError) as exc:
        _fail([f"--facts {facts_file}: {exc}"], as_json)
    for item in fact or []:
        if "=" not in item:
            _fail([f"--fact {item!r}: use FIELD=VALUE"], as_json)
        key, _, value = item.partition("=")
        try:
            data[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            data[key.strip()] = value
    for key, number in (("age_years", age), ("weight_kg", weight_kg), ("weight_lb", weight_lb), ("egfr", egfr)):
        if number is not None:
            data[key] = number
    try:
        facts = parse_facts(data)
        query = Query.model_validate({"topic": topic, "drug": drug, "requested_dose_mg": dose_mg,
                                      "requested_frequency": frequency, "escalation": escalate, "pitfall": pitfall})
    except InvalidFactsError as exc:
        _fail(exc.problems, as_json)
        return
    except ValidationError as exc:
        _fail(describe_validation_error(exc), as_json)
        return
    try:
        book = build_rulebook(get_corpus())
    except CorpusError as exc:
        _fail([str(exc)], as_json)
        return
    result = run(book, facts, query)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(f"status: {result.status}" + (f"  (missing: {', '.join(result.missing)})" if result.missing else ""))
    for d in result.decisions:
        _print_decision(d)


def _print_decision(d: Any) -> None:
    typer.echo(f"\n[{d.rule_id}] {d.outcome}{' / ' + d.verdict if d.verdict else ''}")
    typer.echo(f"  {d.statement}")
    if d.formula:
        typer.echo(f"  formula: {d.formula}")
    for c in d.criteria:
        mark = {"met": "✓", "not_met": "✗", "unknown": "?"}[c.status]
        typer.echo(f"  {mark} {c.name}: {c.detail}" + (f"  [basis: {c.basis}]" if c.basis else ""))
    for c in d.citations:
        refs = f" [refs {', '.join(c.refs)}]" if c.refs else ""
        typer.echo(f"  > \"{c.quote}\" — {c.passage_id}{refs}")


@app.command()
def rules(as_json: _JSON = False) -> None:
    """List every rule with its id and the passages it cites."""
    from core import RULES, build_rulebook
    from corpus import get_corpus

    book = build_rulebook(get_corpus())
    rows: list[dict[str, Any]] = [
        {"rule_id": r.id, "kind": r.kind, "drug": r.drug, "title": r.title,
         "citations": [c.model_dump(mode="json") for c in book.citations(r.id)]} for r in RULES.values()]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(f"{row['rule_id']:<32} {row['kind']:<16} {row['title']}")
        for c in row["citations"]:
            typer.echo(f"    {c['passage_id']:<18} \"{c['quote'][:90]}{'…' if len(c['quote']) > 90 else ''}\"")


def _print_answer(a: Any) -> None:
    badge = a.status.upper().replace("_", " ")
    typer.echo(f"[{badge}] ({a.mode}, corpus {a.corpus_sha256[:12]})")
    typer.echo(a.answer)
    if a.problems:
        for p in a.problems:
            typer.echo(f"  ! {p}")
    if a.citations:
        typer.echo("\nGuideline text:")
        for c in a.citations:
            refs = f" [refs {', '.join(c.refs)}]" if c.refs else ""
            typer.echo(f"  > \"{c.quote}\" — {c.passage_id}{refs}")
    for d in a.decisions:
        if d.formula:
            typer.echo(f"\nFormula ({d.rule_id}): {d.formula}")


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question; omit with --jsonl to read stdin.")] = None,
    as_json: _JSON = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One question per stdin line → one JSON object per line.")]
    = False,
) -> None:
    """Ask a question in plain language."""
    from .pipeline import get_assistant

    assistant = get_assistant()
    unrecorded = 0
    if jsonl:
        total = 0
        for line in _stdin_lines():  # one answer per input line, blank lines included, so outputs align with inputs
            answer = assistant.ask(line)
            typer.echo(answer.model_dump_json())
            sys.stdout.flush()
            total += 1
            unrecorded += answer.recorded is False
        _exit_if_unrecorded(unrecorded, total)
        return
    if question is None:
        typer.echo("Give a question, or use --jsonl to read questions from stdin.", err=True)
        raise typer.Exit(EXIT_INVALID_INPUT)
    answer = assistant.ask(_from_argv(question))
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        _print_answer(answer)
    _exit_if_unrecorded(int(answer.recorded is False), 1)


def _exit_if_unrecorded(unrecorded: int, total: int) -> None:
    """Exit with ``EXIT_NOT_RECORDED`` after the answers when any of them is missing from the audit trail."""
    if unrecorded:
        typer.echo(f"adguide: {unrecorded} of {total} answer{'s' if total != 1 else ''} could not be recorded in "
                   f"the audit trail (see each answer's problems); exit code {EXIT_NOT_RECORDED}.", err=True)
        raise typer.Exit(EXIT_NOT_RECORDED)


@app.command()
def chat() -> None:
    """Interactive conversation; facts carry across turns ('new' starts a new patient, 'quit' leaves)."""
    from .conversation import Conversation
    from .pipeline import get_assistant

    assistant = get_assistant()
    conv = Conversation()
    total = unrecorded = 0
    typer.echo("adguide chat — 'new' for a new patient, 'facts' to see them, 'quit' to leave.")
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        cmd = line.strip().lower()
        if cmd in {"quit", "exit", ":q"}:
            break
        if cmd == "new":
            conv = Conversation()
            typer.echo("(new patient)")
            continue
        if cmd == "facts":
            typer.echo(json.dumps(conv.facts, indent=2, default=str))
            continue
        answer = assistant.ask(_from_argv(line), conv)
        total += 1
        unrecorded += answer.recorded is False
        _print_answer(answer)
        typer.echo("")
    _exit_if_unrecorded(unrecorded, total)


@app.command()
def index(rebuild: Annotated[bool, typer.Option("--rebuild/--no-rebuild", help="Rebuild from scratch.")] = True
          ) -> None:
    """Build (or rebuild) the chromadb passage index."""
    import time

    from .retrieval import get_retriever

    start = time.perf_counter()
    retriever = get_retriever()
    if rebuild:
        retriever.rebuild()
    typer.echo(f"index ready in {time.perf_counter() - start:.2f} s")


def _mount() -> None:
    """Sub-command groups living in their own packages."""
    from evals.cli import eval_app

    from .audit_cli import audit_app

    app.add_typer(eval_app, name="eval", help="Run, compare and bless golden-suite evaluations.")
    app.add_typer(audit_app, name="audit", help="Export the audit trail of answers and reviews.")


_mount()


@app.callback()
def main() -> None:
    """adguide command line."""
