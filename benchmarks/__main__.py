"""``python -m benchmarks`` (``make bench``): measure, print a table, write ``benchmarks/results/latest.json``.

Options: ``--fuzz N`` (default 2000; 0 skips) runs the hypothesis fuzz of ``tests/assistant/test_robustness.py``
with N examples; ``--skip-process`` leaves out the subprocess figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import ROOT, Row, bench_env

RESULTS = Path(__file__).resolve().parent / "results"


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.3f}"


def table(rows: list[Row]) -> str:
    head = f"{'benchmark':<52} {'unit':<10} {'median':>9} {'p95':>9} {'p99':>9} {'value':>9}  {'target':<27} verdict"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r.name[:52]:<52} {r.unit:<10} {_fmt(r.median):>9} {_fmt(r.p95):>9} {_fmt(r.p99):>9} "
                     f"{_fmt(r.value):>9}  {r.target[:27]:<27} {r.verdict}")
        if r.note:
            lines.append(f"{'':<4}{r.note}")
    return "\n".join(lines)


def fuzz(n: int, home: Path) -> Row:
    env = {**bench_env(home), "ADGUIDE_FUZZ_EXAMPLES": str(n)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/assistant/test_robustness.py", "-k", "fuzz or odd_units or too_long"],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - t0
    last = (proc.stdout.strip().splitlines() or ["?"])[-1]
    return Row(name=f"fuzz Assistant.ask ({n} hypothesis examples)", unit="s", n=n, value=round(elapsed, 1),
               target="no failure", verdict="PASS" if proc.returncode == 0 else "FAIL",
               note=last if proc.returncode == 0 else proc.stdout[-1500:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--fuzz", type=int, default=2000, help="hypothesis examples for the big fuzz (0: skip)")
    parser.add_argument("--skip-process", action="store_true", help="skip the subprocess figures")
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="adguide-bench-"))
    saved = {k: os.environ.get(k) for k in ("ADGUIDE_HOME", "ADGUIDE_MODE", "ADGUIDE_AUDIT", "OPENAI_API_KEY",
                                            "ADGUIDE_DB_URL", "ADGUIDE_AUDIT_SYNC")}
    os.environ.update({"ADGUIDE_HOME": str(home), "ADGUIDE_MODE": "offline"})
    for k in ("OPENAI_API_KEY", "ADGUIDE_AUDIT", "ADGUIDE_DB_URL", "ADGUIDE_AUDIT_SYNC"):
        os.environ.pop(k, None)
    started = time.perf_counter()
    extra: dict[str, Any] = {}
    try:
        from . import inprocess, processes

        rows, info = inprocess.run_all(home)
        extra["question_source"] = info["question_source"]
        if not args.skip_process:
            proc_rows, proc_info = processes.run_all(home, info["questions"])
            rows += proc_rows
            extra.update(proc_info)
        if args.fuzz > 0:
            rows.append(fuzz(args.fuzz, home))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(home.parent / (home.name + "-index-cli"), ignore_errors=True)

    result = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "duration_s": round(time.perf_counter() - started, 1),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
        "rows": [r.model_dump(mode="json") for r in rows],
        **extra,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(rows))
    misses = [r.name for r in rows if r.verdict in ("MISS", "FAIL")]
    print(f"\n{len(rows)} figures, {len(misses)} missed/failed; written to {RESULTS / 'latest.json'} "
          f"in {result['duration_s']} s")
    if extra.get("import_self_ms_by_package"):
        print("import self time by package (ms): " + ", ".join(
            f"{k} {v:.0f}" for k, v in list(extra["import_self_ms_by_package"].items())[:12]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
