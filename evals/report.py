"""Writing a run: per-case JSONL, summary JSON, Markdown and a self-contained HTML report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from .models import CaseResult, Run
from .retrieval_set import LOWER_IS_BETTER, RetrievalReport

__all__ = ["default_out_dir", "html_report", "markdown_summary", "retrieval_html_report", "write_run"]


def default_out_dir() -> Path:
    """``runs/<UTC timestamp>``."""
    return Path("runs") / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def write_run(run: Run, out: str | Path) -> dict[str, Path]:
    """Write results.jsonl, summary.json, run.json, summary.md and report.html into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "results": out / "results.jsonl",
        "summary": out / "summary.json",
        "run": out / "run.json",
        "markdown": out / "summary.md",
        "html": out / "report.html",
    }
    paths["results"].write_text("".join(r.model_dump_json() + "\n" for r in run.results), encoding="utf-8")
    paths["summary"].write_text(json.dumps({"provenance": run.provenance.model_dump(mode="json"),
                                            "summary": run.summary.model_dump(mode="json")}, indent=2,
                                           ensure_ascii=False) + "\n", encoding="utf-8")
    paths["run"].write_text(run.model_dump_json(indent=1) + "\n", encoding="utf-8")
    paths["markdown"].write_text(markdown_summary(run), encoding="utf-8")
    paths["html"].write_text(html_report(run), encoding="utf-8")
    return paths


def _fail_reasons(r: CaseResult) -> str:
    if r.error:
        return f"error: {r.error}"
    return "; ".join(f"{s.name}{'' if s.turn is None else f' (turn {s.turn + 1})'}: {s.reason}" for s in r.failures)


def markdown_summary(run: Run) -> str:
    """A short Markdown summary: verdict, provenance, per-category table and every failure."""
    s, p = run.summary, run.provenance
    lines = [
        "# adguide eval run",
        "",
        f"**{'OK' if s.ok else 'FAILED'}**: {s.passed}/{s.total} passed ({s.pass_rate:.1%}; threshold "
        f"{s.threshold:.0%}); critical failures: {len(s.critical_failed)} of {s.critical_total}.",
    ]
    lines += [f"- {r}" for r in s.reasons]
    lines += [
        "",
        f"- mode: {p.mode}{f' ({p.model})' if p.model else ''}; started {p.started_at}; {p.duration_s:.2f} s",
        f"- corpus sha256: `{p.corpus_sha256}`",
        f"- suite sha256: `{p.suite_sha256}` ({p.suite_path})",
        f"- git commit: `{p.git_commit}`",
        f"- packages: {', '.join(f'{k} {v}' for k, v in p.packages.items())}",
    ]
    if s.retrieval_recall_at_k is not None:
        lines.append(f"- retrieval recall@k {s.retrieval_recall_at_k:.3f}, MRR {s.retrieval_mrr or 0:.3f}")
    lines += ["", "| category | passed | total | rate |", "| --- | ---: | ---: | ---: |"]
    for cat, c in s.by_category.items():
        lines.append(f"| {cat} | {c.passed} | {c.total} | {c.pass_rate:.0%} |")
    lines += ["", "| scorer | mean |", "| --- | ---: |"]
    lines += [f"| {n} | {v:.3f} |" for n, v in s.scorer_means.items()]
    failures = [r for r in run.results if not r.passed]
    if failures:
        lines += ["", "## Failures", ""]
        for r in failures:
            crit = " **CRITICAL**" if r.critical else ""
            lines.append(f"- `{r.id}` ({r.category}){crit}: {r.question[:160]!r} — {_fail_reasons(r)}")
    return "\n".join(lines) + "\n"


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2430;
padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde3ea}
.ok{color:#137333}.bad{color:#b3261e}.badge{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;
font-weight:600;color:#fff}.badge.ok{background:#137333}.badge.bad{background:#b3261e}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #dde3ea;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f5f8}code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;word-break:break-word;background:#f7f8fa;padding:.5rem;margin:0;border-radius:4px}
.case{border:1px solid #dde3ea;border-radius:6px;padding:.6rem .8rem;margin:.8rem 0}
.case.critical{border-left:5px solid #b3261e}.grid{display:grid;grid-template-columns:1fr 1fr;gap:.6rem}
.muted{color:#5f6b7a}.reason{color:#b3261e}
"""


def _bar_chart(run: Run) -> str:
    """Per-category pass rates as an inline SVG horizontal bar chart."""
    cats = list(run.summary.by_category.items())
    row, label_w, bar_w = 24, 170, 520
    height = row * len(cats) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" height="{height}" '
             f'role="img" aria-label="pass rate per category">']
    for i, (cat, c) in enumerate(cats):
        y = 10 + i * row
        w = round(bar_w * c.pass_rate)
        color = "#137333" if c.pass_rate >= run.summary.threshold else "#d97706" if c.pass_rate >= 0.5 else "#b3261e"
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12">{escape(cat)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" fill="#eef1f5"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="16" fill="{color}"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" font-size="12">{c.passed}/{c.total} '
                     f'({c.pass_rate:.0%})</text>')
    tx = label_w + round(bar_w * run.summary.threshold)
    parts.append(f'<line x1="{tx}" y1="5" x2="{tx}" y2="{height - 15}" stroke="#1d2430" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{tx}" y="{height - 3}" font-size="11" text-anchor="middle">threshold '
                 f'{run.summary.threshold:.0%}</text></svg>')
    return "".join(parts)


def _actual(r: CaseResult) -> str:
    lines = [f"status: {r.status}"]
    for d in r.decisions:
        doses = "; ".join(
            f"{x.get('phase')} {x.get('low')}{'-' + str(x['high']) if x.get('high') is not None else ''} "
            f"{x.get('unit')} {x.get('frequency')}"
            + (f" [patient {x.get('patient_low_mg')}-{x.get('patient_high_mg')} mg]"
               if x.get("patient_low_mg") is not None else "")
            for x in d.doses)
        lines.append(f"decision: {d.rule_id} drug={d.drug} outcome={d.outcome} verdict={d.verdict}"
                     + (f" doses: {doses}" if doses else ""))
    if r.problems:
        lines.append("problems: " + "; ".join(r.problems))
    lines.append("answer: " + r.answer[:1500])
    if r.citations:
        lines.append("cited: " + " | ".join(c[:140] for c in r.citations))
    return "\n".join(lines)


def html_report(run: Run) -> str:
    """One self-contained HTML page (inline CSS and SVG; no scripts, no external resources)."""
    s, p = run.summary, run.provenance
    verdict = (f'<span class="badge {"ok" if s.ok else "bad"}">{"OK" if s.ok else "FAILED"}</span> '
               f"{s.passed}/{s.total} passed ({s.pass_rate:.1%}); threshold {s.threshold:.0%}; "
               f"critical failures {len(s.critical_failed)} of {s.critical_total}")
    prov_rows = "".join(f"<tr><th>{escape(k)}</th><td><code>{escape(str(v))}</code></td></tr>" for k, v in (
        ("mode", p.mode + (f" ({p.model})" if p.model else "")), ("started", p.started_at),
        ("duration", f"{p.duration_s:.2f} s"), ("corpus sha256", p.corpus_sha256), ("suite sha256", p.suite_sha256),
        ("suite", p.suite_path), ("git commit", p.git_commit), ("python", p.python),
        ("packages", ", ".join(f"{k} {v}" for k, v in p.packages.items()))))
    cat_rows = "".join(f"<tr><td>{escape(c)}</td><td>{v.passed}</td><td>{v.total}</td><td>{v.pass_rate:.0%}</td></tr>"
                       for c, v in s.by_category.items())
    scorer_rows = "".join(f"<tr><td>{escape(n)}</td><td>{v:.3f}</td></tr>" for n, v in s.scorer_means.items())
    failures = [r for r in run.results if not r.passed]
    blocks = []
    for r in failures:
        reasons = "".join(f'<li class="reason">{escape(x)}</li>' for x in _fail_reasons(r).split("; ") if x)
        blocks.append(
            f'<div class="case{" critical" if r.critical else ""}"><b><code>{escape(r.id)}</code></b> '
            f'<span class="muted">{escape(r.category)}{" · CRITICAL" if r.critical else ""}</span>'
            f"<p><b>Question:</b> {escape(r.question)}</p><ul>{reasons}</ul>"
            f'<div class="grid"><div><b>Expected</b><pre>{escape(json.dumps(r.expected, indent=1, ensure_ascii=False))}'
            f"</pre></div><div><b>Actual</b><pre>{escape(_actual(r))}</pre></div></div></div>")
    reasons = "".join(f'<li class="bad">{escape(x)}</li>' for x in s.reasons)
    retrieval = (f"<p>Retrieval recall@k {s.retrieval_recall_at_k:.3f}, MRR {s.retrieval_mrr or 0:.3f} "
                 "(informational).</p>" if s.retrieval_recall_at_k is not None else "")
    all_rows = "".join(
        f'<tr><td><code>{escape(r.id)}</code></td><td>{escape(r.category)}</td>'
        f'<td class="{"ok" if r.passed else "bad"}">{"pass" if r.passed else "FAIL"}</td>'
        f"<td>{'yes' if r.critical else ''}</td><td>{escape(str(r.status))}</td><td>{r.latency_ms:.0f}</td></tr>"
        for r in run.results)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>adguide eval report</title>"
        f"<style>{_CSS}</style></head><body><h1>adguide eval report</h1><p>{verdict}</p><ul>{reasons}</ul>"
        f"<h2>Provenance</h2><table>{prov_rows}</table>"
        f"<h2>Pass rate per category</h2>{_bar_chart(run)}{retrieval}"
        f"<table><tr><th>category</th><th>passed</th><th>total</th><th>rate</th></tr>{cat_rows}</table>"
        f"<h2>Scorers (mean)</h2><table><tr><th>scorer</th><th>mean</th></tr>{scorer_rows}</table>"
        f"<h2>Failures ({len(failures)})</h2>{''.join(blocks) or '<p class=ok>None.</p>'}"
        f"<h2>All cases</h2><table><tr><th>id</th><th>category</th><th>result</th><th>critical</th><th>status</th>"
        f"<th>ms</th></tr>{all_rows}</table></body></html>\n"
    )


def retrieval_html_report(report: RetrievalReport, name: str, baseline: dict[str, float] | None = None) -> str:
    """A self-contained HTML page for a retrieval run: headline figures beside the baseline, styles, misses."""
    base = baseline or {}
    rows = []
    for key, value in report.figures().items():
        was = base.get(key)
        worse = was is not None and (value > was + 0.0005 if key in LOWER_IS_BETTER else value < was - 0.0005)
        cell = "" if was is None else f"{was:.3f}"
        rows.append(f'<tr><td>{escape(key)}</td><td class="{"bad" if worse else "ok"}">{value:.3f}</td>'
                    f"<td>{cell}</td></tr>")
    styles = "".join(
        f"<tr><td>{escape(style)}</td><td>{int(r['cases'])}</td><td>{r['recall_at_1']:.2f}</td>"
        f"<td>{r['recall_at_3']:.2f}</td><td>{r['mrr']:.2f}</td><td>{r['false_abstain']:.1%}</td>"
        f"<td>{'' if 'false_answer' not in r else format(r['false_answer'], '.1%')}</td></tr>"
        for style, r in report.by_style.items())
    misses = "".join(
        f"<tr><td><code>{escape(sc.id)}</code></td><td>{escape(sc.style or '')}</td><td>{sc.rank or ''}</td>"
        f"<td>{'yes' if sc.abstained else ''}</td><td>{escape(', '.join(sc.retrieved[:3]))}</td></tr>"
        for sc in report.scores
        if (sc.off_topic and not sc.abstained) or (not sc.off_topic and (sc.rank is None or sc.rank > 3)))
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>adguide retrieval report</title>"
        f"<style>{_CSS}</style></head><body><h1>Retrieval: {escape(name)}</h1>"
        f"<p>{report.cases} on-topic and {report.off_topic} off-topic questions.</p>"
        "<table><tr><th>figure</th><th>this run</th><th>baseline</th></tr>" + "".join(rows) + "</table>"
        "<h2>By style</h2><table><tr><th>style</th><th>questions</th><th>r@1</th><th>r@3</th><th>MRR</th>"
        f"<th>false abstain</th><th>false answer</th></tr>{styles}</table>"
        "<h2>Misses (gold not in the top 3, or an off-topic question answered)</h2>"
        "<table><tr><th>id</th><th>style</th><th>rank</th><th>abstained</th><th>retrieved</th></tr>"
        f"{misses or '<tr><td colspan=5>None.</td></tr>'}</table></body></html>\n"
    )
