"""Comparing two runs: per-case changes, per-category deltas and an exact McNemar test."""

from __future__ import annotations

import math
from pathlib import Path

from .models import CaseChange, Comparison, Run
from .runner import load_run

__all__ = ["compare_runs", "comparison_markdown", "mcnemar_exact"]


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: binomial test of min(b, c) among b + c discordant pairs at p = 0.5."""
    if b < 0 or c < 0:
        raise ValueError("counts must be non-negative")
    n = b + c
    if n == 0:
        return 1.0
    tail: float = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2**n
    return min(1.0, 2 * tail)


def _as_run(x: Run | str | Path) -> tuple[Run, str]:
    if isinstance(x, Run):
        return x, x.provenance.started_at
    return load_run(x), str(x)


def compare_runs(base: Run | str | Path, new: Run | str | Path) -> Comparison:
    """Compare ``new`` against ``base`` (runs, run folders, run.json files or a baseline.json)."""
    b, b_label = _as_run(base)
    n, n_label = _as_run(new)
    b_map = {r.id: r for r in b.results}
    n_map = {r.id: r for r in n.results}
    changes: list[CaseChange] = []
    for cid in [*n_map, *(i for i in b_map if i not in n_map)]:
        old, cur = b_map.get(cid), n_map.get(cid)
        ref = cur or old
        assert ref is not None
        if old is None:
            kind = "added"
        elif cur is None:
            kind = "removed"
        elif old.passed and cur.passed:
            kind = "still_passing"
        elif old.passed:
            kind = "broken"
        elif cur.passed:
            kind = "fixed"
        else:
            kind = "still_failing"
        reason = ""
        if cur is not None and not cur.passed:
            reason = cur.error or "; ".join(f"{s.name}: {s.reason}" for s in cur.failures)
        changes.append(CaseChange(id=cid, category=ref.category, change=kind, critical=ref.critical, reason=reason))
    paired = [c for c in changes if c.change not in ("added", "removed")]
    deltas: dict[str, float] = {}
    for cat in dict.fromkeys(c.category for c in paired):
        ids = [c.id for c in paired if c.category == cat]
        deltas[cat] = round(sum(n_map[i].passed for i in ids) / len(ids) - sum(b_map[i].passed for i in ids) / len(ids),
                            4)
    fixed = sum(c.change == "fixed" for c in paired)
    broken = sum(c.change == "broken" for c in paired)
    total = len(paired) or 1
    return Comparison(
        base=b_label, new=n_label, changes=changes, category_deltas=deltas,
        base_pass_rate=round(sum(b_map[c.id].passed for c in paired) / total, 4),
        new_pass_rate=round(sum(n_map[c.id].passed for c in paired) / total, 4),
        fixed=fixed, broken=broken, mcnemar_p=mcnemar_exact(broken, fixed),
        same_corpus=b.provenance.corpus_sha256 == n.provenance.corpus_sha256,
        same_suite=b.provenance.suite_sha256 == n.provenance.suite_sha256,
    )


def comparison_markdown(c: Comparison) -> str:
    """A Markdown rendering of a comparison."""
    lines = [
        f"# compare {c.base} → {c.new}",
        "",
        f"pass rate {c.base_pass_rate:.1%} → {c.new_pass_rate:.1%} over paired cases; fixed {c.fixed}, broken "
        f"{c.broken}; exact McNemar p = {c.mcnemar_p:.4g}",
    ]
    if not c.same_corpus:
        lines.append("**warning: the runs rest on different corpora**")
    if not c.same_suite:
        lines.append("note: the suites differ (cases added, removed or edited)")
    lines += ["", "| category | Δ pass rate |", "| --- | ---: |"]
    lines += [f"| {k} | {v:+.1%} |" for k, v in c.category_deltas.items()]
    for kind in ("broken", "fixed", "still_failing", "added", "removed"):
        items = [x for x in c.changes if x.change == kind]
        if items:
            lines += ["", f"## {kind.replace('_', ' ')} ({len(items)})", ""]
            lines += [f"- `{x.id}` ({x.category}){' CRITICAL' if x.critical else ''}"
                      + (f": {x.reason}" if x.reason else "") for x in items]
    return "\n".join(lines) + "\n"
