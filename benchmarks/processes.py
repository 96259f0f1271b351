"""Whole-process figures: cold ``adguide ask``, ``--jsonl`` throughput, peak RSS, import time, LLM-free imports."""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from .common import ADGUIDE, ROOT, Row, bench_env, dist_row

QUESTION = "What dose of upadacitinib for a 72 year old with eGFR 25?"


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, int, str, str]:
    """(wall seconds, peak RSS of that child in kB, stdout, stderr) — RSS from ``os.wait4`` for this child only."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=ROOT, text=True)
    out, err = proc.communicate(stdin)
    elapsed = time.perf_counter() - t0
    # communicate() already reaped the child; its rusage is folded into RUSAGE_CHILDREN (max over children).
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, out, err


def _rss_kb(args: list[str], env: dict[str, str]) -> int:
    """Peak RSS (kB) of exactly one child process, via ``os.wait4``."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{args} exited {proc.returncode}")
    return int(usage.ru_maxrss)


def cold_ask(env: dict[str, str], repeat: int = 5) -> list[Row]:
    args = [str(ADGUIDE), "ask", "--json", QUESTION]
    _run(args, env)  # the index exists in this home after one run; cold = a new process, not a new index
    samples = []
    for _ in range(repeat):
        elapsed, _, out, err = _run(args, env)
        if '"status"' not in out:
            return [Row(name="cold `adguide ask --json`", unit="s", verdict="FAIL", note=err[-300:])]
        samples.append(elapsed)
    med = statistics.median(samples)
    rss = [_rss_kb(args, env) for _ in range(3)]
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return [
        dist_row("cold `adguide ask --json` (whole process)", "s", samples, target="median ≤ 2 s", ok=med <= 2,
                 note=f"median of {repeat}; index already built in the home"),
        Row(name="peak RSS of an `ask` process", unit="MB", n=len(rss), value=round(max(rss) / 1024, 1),
            target="≤ 300 MB", verdict="PASS" if max(rss) / 1024 <= 300 else "MISS",
            note=f"os.wait4 ru_maxrss of that child (max of 3); RUSAGE_CHILDREN max so far {children / 1024:.0f} MB"),
    ]


def jsonl_throughput(env: dict[str, str], questions: list[str], n: int = 1000, repeat: int = 3) -> Row:
    """Answers/s of ``adguide ask --jsonl`` after start-up: (t(N) − t(1)) over N − 1 answers."""
    args = [str(ADGUIDE), "ask", "--jsonl"]
    clean = [q.replace("\n", " ").strip() for q in questions if q.strip()]
    many = "\n".join((clean * (n // len(clean) + 1))[:n]) + "\n"
    one = clean[0] + "\n"
    rates, starts = [], []
    for _ in range(repeat):
        t1, _, out1, err1 = _run(args, env, one)
        tn, _, outn, errn = _run(args, env, many)
        lines = [json.loads(line) for line in outn.splitlines() if line.strip()]
        if len(lines) != n or len(out1.splitlines()) != 1:
            return Row(name="`adguide ask --jsonl` throughput", unit="answers/s", verdict="FAIL",
                       note=f"got {len(lines)} of {n} answers: {(errn or err1)[-300:]}")
        rates.append((n - 1) / max(tn - t1, 1e-9))
        starts.append(t1)
    rate = statistics.median(rates)
    return Row(name="`adguide ask --jsonl` throughput after start-up", unit="answers/s", n=n,
               value=round(rate, 1), target="≥ 100 answers/s", verdict="PASS" if rate >= 100 else "MISS",
               note=f"N={n}, median of {repeat}; start-up (1 question) {statistics.median(starts):.2f} s")


_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from assistant.cli import app
sys.argv = ["adguide", "ask", "--json", sys.argv[1]]
try:
    app()
except SystemExit:
    pass
mods = sorted(m for m in sys.modules if m.split(".")[0] in ("langchain", "langchain_core", "langchain_openai",
              "openai", "tiktoken", "chromadb", "streamlit", "rich", "typer", "pydantic", "numpy", "onnxruntime",
              "httpx", "yaml"))
tops = sorted({m.split(".")[0] for m in mods})
print(json.dumps({"tops": tops, "total_s": time.perf_counter() - t0}), file=sys.stderr)
"""


def imports(env: dict[str, str]) -> tuple[list[Row], dict[str, Any]]:
    """Which heavy packages a cold offline ``ask`` imports, and where its import time goes."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", _PROBE, QUESTION], capture_output=True,
                         text=True, env=env, cwd=ROOT)
    probe: dict[str, Any] = {}
    by_top: dict[str, float] = defaultdict(float)
    cumulative: dict[str, float] = {}
    for line in out.stderr.splitlines():
        if line.startswith("{"):
            probe = json.loads(line)
            continue
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if not m:
            continue
        self_us, cum_us, indent, name = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        by_top[name.split(".")[0]] += self_us / 1000
        if len(indent) <= 3:  # imported directly by the probe / top level
            cumulative[name] = max(cumulative.get(name, 0.0), cum_us / 1000)
    tops = probe.get("tops", [])
    llm = [t for t in tops if t.startswith("langchain") or t in ("openai", "tiktoken")]
    total_ms = sum(by_top.values())
    top_self = sorted(by_top.items(), key=lambda kv: -kv[1])[:15]
    top_cum = sorted(cumulative.items(), key=lambda kv: -kv[1])[:10]
    rows = [
        Row(name="offline `ask` imports nothing LLM-related", unit="", value=float(len(llm)),
            target="no langchain*/openai in sys.modules", verdict="PASS" if not llm else "MISS",
            note=f"heavy packages loaded: {', '.join(tops) or 'none'}"),
        Row(name="import time of a cold `ask` (sum of self times)", unit="ms", value=round(total_ms, 1),
            note="top by self time: " + ", ".join(f"{k} {v:.0f}" for k, v in top_self[:8])),
    ]
    return rows, {"import_self_ms_by_package": dict(top_self), "import_cumulative_ms_top_level": dict(top_cum),
                  "heavy_packages_loaded": tops}


def index_cli(env: dict[str, str], home: Path) -> Row:
    """``adguide index`` from scratch as a whole process (information: includes importing chromadb)."""
    fresh = home.parent / (home.name + "-index-cli")
    env = {**env, "ADGUIDE_HOME": str(fresh)}
    elapsed, _, out, err = _run([str(ADGUIDE), "index"], env)
    m = re.search(r"index ready in ([\d.]+) s", out)
    return Row(name="`adguide index` fresh home (whole process)", unit="s", value=round(elapsed, 3),
               note=f"command's own figure {m.group(1) if m else '?'} s; includes interpreter + chromadb import"
               if m else err[-200:])


def run_all(home: Path, questions: list[str]) -> tuple[list[Row], dict[str, Any]]:
    env = bench_env(home)
    rows = cold_ask(env)
    rows.append(jsonl_throughput(env, questions))
    import_rows, extra = imports(env)
    rows += import_rows
    rows.append(index_cli(env, home))
    return rows, extra
