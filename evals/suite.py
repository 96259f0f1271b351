"""Loading and validating the golden suite (``evals/golden/*.yaml``, one file per category)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .models import Expect, GoldenCase

__all__ = [
    "DEFAULT_SUITE",
    "Suite",
    "SuiteError",
    "load_suite",
    "passage_of_quote",
    "passages_of_quote",
    "suite_sha256",
]

DEFAULT_SUITE = Path(__file__).resolve().parent / "golden"
"""The packaged golden suite."""


class SuiteError(ValueError):
    """The suite is malformed; the message names the file and the case."""


@dataclass(frozen=True)
class Suite:
    """Validated cases, where they came from and a hash of their files."""

    path: Path
    cases: list[GoldenCase]
    sha256: str
    files: list[Path] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        """Categories in file order."""
        seen: list[str] = []
        for c in self.cases:
            if c.category not in seen:
                seen.append(c.category)
        return seen


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        if not files:
            raise SuiteError(f"{path}: no *.yaml files")
        return files
    if path.is_file():
        return [path]
    raise SuiteError(f"{path}: no such suite file or directory")


def suite_sha256(files: list[Path]) -> str:
    """sha256 over each file's name and bytes, in order."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def passages_of_quote(quote: str) -> list[str]:
    """Passages a quote may be cited under: the one whose citable text equals it, else every one containing it."""
    from corpus import get_corpus

    passages = get_corpus().passages
    exact = [p.id for p in passages if p.quote == quote]
    return exact or [p.id for p in passages if quote and quote in p.quote]


def passage_of_quote(quote: str) -> str | None:
    """The passage a quote is cited under (the first of ``passages_of_quote``), or None."""
    found = passages_of_quote(quote)
    return found[0] if found else None


def _expects(case: GoldenCase) -> list[tuple[str, Expect]]:
    out = [("expect", case.expect)] if case.expect is not None else []
    for i, m in enumerate(case.messages or []):
        if not isinstance(m, str) and m.expect is not None:
            out.append((f"messages[{i}].expect", m.expect))
    return out


def _check_references(case: GoldenCase, where: str) -> list[str]:
    """Every cite verbatim guideline text inside one passage; every rule id and passage id real."""
    from core import RULES
    from corpus import get_corpus

    corpus = get_corpus()
    passage_ids = {p.id for p in corpus.passages}
    problems = []
    for label, exp in _expects(case):
        for quote in exp.cites:
            if not quote or quote not in corpus.text:
                problems.append(f"{where}: case {case.id!r}: {label}.cites: not verbatim guideline text: {quote!r}")
            elif passage_of_quote(quote) is None:
                problems.append(f"{where}: case {case.id!r}: {label}.cites: spans more than one passage: {quote!r}")
        for d in [*exp.decisions, *exp.decisions_absent]:
            if d.rule_id is not None and d.rule_id not in RULES:
                problems.append(f"{where}: case {case.id!r}: {label}: unknown rule id {d.rule_id!r}")
        for pid in exp.passages:
            if pid not in passage_ids:
                problems.append(f"{where}: case {case.id!r}: {label}.passages: unknown passage id {pid!r}")
    return problems


def load_suite(path: str | Path | None = None) -> Suite:
    """Load and validate a suite (a folder of YAML files or one file).

    Raises ``SuiteError`` listing every problem: schema errors (unknown keys are rejected), duplicate ids,
    a category that does not match its file, a cite that is not verbatim guideline text, unknown rule or
    passage ids.
    """
    root = Path(path) if path is not None else DEFAULT_SUITE
    files = _files(root)
    cases: list[GoldenCase] = []
    problems: list[str] = []
    where_of: dict[str, str] = {}
    for f in files:
        try:
            raw: Any = yaml.safe_load(f.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{f.name}: invalid YAML: {exc}")
            continue
        items = raw.get("cases") if isinstance(raw, dict) else raw
        if not isinstance(items, list):
            problems.append(f"{f.name}: expected a list of cases (or a mapping with 'cases')")
            continue
        for i, item in enumerate(items):
            label = item.get("id", f"#{i}") if isinstance(item, dict) else f"#{i}"
            try:
                case = GoldenCase.model_validate(item)
            except ValidationError as exc:
                errs = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
                problems.append(f"{f.name}: case {label!r}: {errs}")
                continue
            if root.is_dir() and case.category != f.stem:
                problems.append(f"{f.name}: case {case.id!r}: category {case.category!r} does not match the file")
            if case.id in where_of:
                problems.append(f"{f.name}: case {case.id!r}: duplicate id (also in {where_of[case.id]})")
            where_of[case.id] = f.name
            problems += _check_references(case, f.name)
            cases.append(case)
    if problems:
        raise SuiteError(f"{len(problems)} problem(s) in suite {root}:\n  - " + "\n  - ".join(problems))
    return Suite(path=root, cases=cases, sha256=suite_sha256(files), files=files)
