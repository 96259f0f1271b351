"""``adguide eval``: run the golden suite, compare runs, bless a run as the baseline.

The lead mounts ``eval_app`` on the main CLI (``app.add_typer(eval_app, name="eval")``); it also runs alone with
``python -m evals.cli``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["bless_run", "eval_app"]

eval_app = typer.Typer(no_args_is_help=True, add_completion=False,
                       help="Golden-question evals: run the suite, compare runs, bless a baseline.")


@eval_app.command("run")
def run_cmd(
    suite: Annotated[Path | None, typer.Option("--suite", help="Suite folder or YAML file (default: evals/golden)")]
    = None,
    mode: Annotated[str, typer.Option("--mode", help="offline (default) or openai")] = "offline",
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: runs/<timestamp>)")] = None,
    threshold: Annotated[float, typer.Option("--threshold", min=0.0, max=1.0, help="Minimum pass rate")] = 0.95,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Baseline file (default: evals/baseline.json)")]
    = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Do not check regressions")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Run the suite; exit 1 on a critical failure, a pass rate under the threshold, or a regression."""
    from .report import default_out_dir, write_run
    from .runner import DEFAULT_BASELINE, run_suite
    from .suite import SuiteError

    if mode not in ("offline", "openai"):
        raise typer.BadParameter("use 'offline' or 'openai'", param_hint="--mode")
    bl = None if no_baseline else (baseline or DEFAULT_BASELINE)
    try:
        if quiet:
            run = run_suite(suite, mode=mode, threshold=threshold, baseline=bl)
        else:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            columns = (TextColumn("[bold]eval[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       TextColumn("{task.fields[last]}"))
            with Progress(*columns, transient=True) as bar:
                task = bar.add_task("eval", total=None, last="")

                def progress(done: int, total: int, result: object) -> None:
                    mark = "ok" if getattr(result, "passed", False) else "FAIL"
                    bar.update(task, completed=done, total=total, last=f"{getattr(result, 'id', '')} {mark}")

                run = run_suite(suite, mode=mode, threshold=threshold, baseline=bl, progress=progress)
    except SuiteError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    out_dir = out or default_out_dir()
    paths = write_run(run, out_dir)
    s = run.summary
    typer.echo(f"{s.passed}/{s.total} passed ({s.pass_rate:.1%}), critical failures {len(s.critical_failed)}/"
               f"{s.critical_total}, mode {run.provenance.mode}, {run.provenance.duration_s:.1f} s")
    for cat, c in s.by_category.items():
        typer.echo(f"  {cat:<18} {c.passed:>3}/{c.total:<3} {c.pass_rate:6.0%}")
    for r in run.results:
        if not r.passed:
            why = r.error or "; ".join(f"{x.name}: {x.reason}" for x in r.failures)
            typer.echo(f"  FAIL {'[critical] ' if r.critical else ''}{r.id}: {why[:300]}")
    typer.echo(f"report: {paths['html']}")
    if not s.ok:
        for reason in s.reasons:
            typer.echo(f"not ok: {reason}", err=True)
        raise typer.Exit(1)


@eval_app.command("compare")
def compare_cmd(
    base: Annotated[Path, typer.Argument(help="Base run folder, run.json or baseline.json")],
    new: Annotated[Path, typer.Argument(help="New run folder or run.json")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Per-case changes, per-category deltas and an exact McNemar test; exit 1 when a case broke."""
    from .compare import compare_runs, comparison_markdown

    result = compare_runs(base, new)
    typer.echo(result.model_dump_json(indent=1) if as_json else comparison_markdown(result))
    if result.broken:
        raise typer.Exit(1)


def bless_run(run_path: str | Path, baseline_path: str | Path | None = None) -> Path:
    """Make the run at ``run_path`` the baseline (the only way ``evals/baseline.json`` changes)."""
    from .runner import DEFAULT_BASELINE, Baseline, BaselineCase, load_run

    run = load_run(run_path)
    target = Path(baseline_path) if baseline_path is not None else DEFAULT_BASELINE
    bl = Baseline(provenance=run.provenance, summary=run.summary.model_copy(update={"regressions": []}),
                  cases={r.id: BaselineCase(passed=r.passed, category=r.category, critical=r.critical)
                         for r in run.results})
    target.write_text(bl.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return target


@eval_app.command("bless")
def bless_cmd(
    run: Annotated[Path, typer.Argument(help="Run folder or run.json to bless")],
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Where to write (default: evals/baseline.json)")]
    = None,
) -> None:
    """Record a run as the baseline that later runs are checked against for regressions."""
    target = bless_run(run, baseline)
    typer.echo(f"baseline written: {target}")


if __name__ == "__main__":  # pragma: no cover
    eval_app()


@eval_app.command("retrieval")
def retrieval_cmd(
    set_path: Annotated[Path | None, typer.Option("--set", help="Retrieval set, or a behaviour suite "
                                                  "(default: evals/retrieval_blind)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The whole report as JSON")] = False,
    gate: Annotated[Path | None, typer.Option("--gate", help="Fail (exit 1) when a figure is worse than this "
                                              "baseline file's entry for the set")] = None,
    update: Annotated[bool, typer.Option("--update-baseline", help="Write this run's figures into the --gate "
                                         "file instead of checking them")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Also write an HTML report here")] = None,
) -> None:
    """Score the retriever on a retrieval set: recall@1, recall@3, MRR, false abstains and false answers."""
    import json

    from assistant.retrieval import get_retriever

    from .retrieval_set import gate_retrieval, load_retrieval_set, score_retrieval
    from .suite import SuiteError

    try:
        cases = load_retrieval_set(set_path)
    except SuiteError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    report = score_retrieval(cases, get_retriever().search)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        off = (f", {report.off_topic} off-topic: false answer {report.false_answer:.1%}" if report.off_topic else "")
        typer.echo(f"{report.cases} questions: recall@1 {report.recall_at_1:.2f}, recall@3 {report.recall_at_3:.2f}, "
                   f"MRR {report.mrr:.2f}, false abstain {report.false_abstain:.1%}{off}")
        for style, row in report.by_style.items():
            if style == "off-topic":
                continue
            typer.echo(f"  {style:<14} {int(row['cases']):>3}  r@1 {row['recall_at_1']:.2f}  "
                       f"r@3 {row['recall_at_3']:.2f}  MRR {row['mrr']:.2f}  abstain {row['false_abstain']:.1%}")
        for sc in report.scores:
            if sc.off_topic and not sc.abstained:
                typer.echo(f"  ANSWERED {sc.id} (off-topic): got {sc.retrieved[:3]}")
            elif not sc.off_topic and (sc.rank is None or sc.rank > 3):
                typer.echo(f"  MISS {sc.id} ({sc.style}): rank {sc.rank}, abstained {sc.abstained}, "
                           f"got {sc.retrieved[:3]}")
    key = (set_path or Path("evals/retrieval_blind")).as_posix().rstrip("/")
    if html is not None:
        from .report import retrieval_html_report

        known = json.loads(gate.read_text(encoding="utf-8")) if gate is not None and gate.exists() else {}
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(retrieval_html_report(report, key, known.get(key)), encoding="utf-8")
    if gate is None:
        return
    try:
        baselines = json.loads(gate.read_text(encoding="utf-8")) if gate.exists() else {}
    except (OSError, ValueError) as exc:
        typer.echo(f"Cannot read the baseline {gate}: {exc}. Fix or delete it, then run with --update-baseline.",
                   err=True)
        raise typer.Exit(2) from exc
    if update:
        baselines[key] = {k: round(v, 4) for k, v in report.figures().items()}
        gate.write_text(json.dumps(baselines, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        typer.echo(f"baseline for {key} written to {gate}")
        return
    if key not in baselines:
        typer.echo(f"{gate} has no baseline for {key}: run with --update-baseline once to record it.", err=True)
        raise typer.Exit(2)
    problems = gate_retrieval(report, baselines[key], tolerance=0.0005)
    if problems:
        typer.echo(f"not ok: retrieval on {key} regressed: " + "; ".join(problems), err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: retrieval on {key} is at or above its baseline")


@eval_app.command("calibrate")
def calibrate_cmd(
    sets: Annotated[list[Path] | None, typer.Argument(help="Retrieval sets or suites with on- and off-topic "
                                                     "questions (default: every committed one)")] = None,
) -> None:
    """The abstain gate's false-abstain and false-answer rates at a range of thresholds."""
    from assistant.retrieval import ABSTAIN_THRESHOLD, get_retriever

    from .retrieval_set import calibrate_abstain, load_retrieval_set
    from .suite import SuiteError

    root = Path(__file__).resolve().parent
    chosen = sets or sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.yaml")))
    cases = []
    for path in chosen:
        try:
            cases += load_retrieval_set(path)
        except SuiteError as exc:
            typer.echo(f"{path}: skipped ({str(exc).splitlines()[0]})", err=True)
    on = sum(not c.off_topic for c in cases)
    typer.echo(f"{on} on-topic and {len(cases) - on} off-topic questions from {len(chosen)} sets")
    for row in calibrate_abstain(cases, get_retriever().on_topic, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]):
        mark = "  <- ABSTAIN_THRESHOLD" if abs(row.threshold - ABSTAIN_THRESHOLD) < 1e-9 else ""
        typer.echo(f"  threshold {row.threshold:.1f}: false abstain {row.false_abstain:.1%}, "
                   f"false answer {row.false_answer:.1%}{mark}")


@eval_app.command("learn")
def learn_cmd(
    sets: Annotated[list[str] | None, typer.Argument(help="Retrieval sets to train on (default: evals.learn."
                                                    "TRAINING_SETS, each already scored at its first run)")] = None,
    alpha: Annotated[float, typer.Option("--alpha", min=0.001, help="Naive Bayes smoothing")] = 0.5,
    check: Annotated[bool, typer.Option("--check", help="Only say whether the packaged model is up to date")] = False,
) -> None:
    """Train the retriever's learned term-passage model and write assistant/vocab/learned_retrieval.json."""
    try:
        from .learn import OUT, TRAINING_SETS, train_learned_model, write_learned_model
    except ImportError as exc:  # pragma: no cover - scikit-learn is a development dependency
        typer.echo(f"training needs scikit-learn ({exc}); install the dev extra: pip install -e '.[dev]'", err=True)
        raise typer.Exit(2) from exc
    from assistant.learned import load_learned_model

    model = train_learned_model(sets or TRAINING_SETS, alpha=alpha)
    if check:
        current = load_learned_model(OUT.read_text(encoding="utf-8")) if OUT.is_file() else None
        if current != model:
            typer.echo(f"not ok: {OUT.name} is out of date; run `adguide eval learn`", err=True)
            raise typer.Exit(1)
        typer.echo(f"ok: {OUT.name} matches a fresh training run")
        return
    path = write_learned_model(model)
    cases = sum(model.trained_on.values())
    typer.echo(f"wrote {path} ({cases} questions from {len(model.trained_on)} sets, {len(model.passages)} passages, "
               f"{len(model.vocabulary)} terms)")
