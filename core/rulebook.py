"""The loaded rule set: every rule's citations resolved and verified against the corpus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .catalog import RULES, Rule
from .decision import Citation, Criterion, Decision, Dose, InputValue, Outcome
from .errors import RuleDefinitionError

if TYPE_CHECKING:  # the corpus is passed in; core never reads files itself
    from corpus import Corpus

__all__ = ["Rulebook", "build_rulebook"]


class Rulebook:
    """Rules bound to one corpus. Build with ``build_rulebook``; immutable afterwards."""

    def __init__(self, corpus_sha256: str, source: str, rules: Mapping[str, Rule],
                 citations: Mapping[str, tuple[Citation, ...]]) -> None:
        self.corpus_sha256 = corpus_sha256
        self.source = source
        self.rules = dict(rules)
        self._citations = dict(citations)

    def citations(self, rule_id: str) -> tuple[Citation, ...]:
        """The verified citations of a rule."""
        return self._citations[rule_id]

    def decision(
        self,
        rule_id: str,
        *,
        statement: str,
        outcome: Outcome = "decided",
        verdict: str | None = None,
        inputs: Mapping[str, InputValue] | None = None,
        criteria: tuple[Criterion, ...] = (),
        doses: tuple[Dose, ...] = (),
        formula: str | None = None,
        missing: tuple[str, ...] = (),
        drug: Any = "rule",
        citations_from: str | None = None,
        also_cite: tuple[str, ...] = (),
    ) -> Decision:
        """A decision of ``rule_id`` carrying that rule's verified citations (or ``citations_from``'s), then those
        of the rules in ``also_cite`` (a summary quoting the passages of the items it lists)."""
        rule = self.rules[rule_id]
        citations = list(self._citations[citations_from or rule_id])
        for other in also_cite:
            citations += [c for c in self._citations[other] if c not in citations]
        return Decision(
            rule_id=rule_id,
            kind=rule.kind,
            drug=rule.drug if drug == "rule" else drug,
            outcome=outcome,
            verdict=verdict,
            statement=statement,
            citations=tuple(citations),
            inputs=dict(inputs or {}),
            criteria=criteria,
            doses=doses,
            formula=formula,
            missing=missing,
        )


def build_rulebook(corpus: Corpus, rules: Mapping[str, Rule] | None = None) -> Rulebook:
    """Resolve every rule's quotes against ``corpus``.

    Raises ``RuleDefinitionError`` listing every quote that is not verbatim text of its passage,
    so a changed corpus or a mistyped quote stops the program before any decision is made.
    """
    rules = RULES if rules is None else rules
    problems: list[str] = []
    resolved: dict[str, tuple[Citation, ...]] = {}
    by_id = {p.id: p for p in corpus.passages}
    for rule in rules.values():
        cites = []
        if not rule.quotes:
            problems.append(f"{rule.id}: has no citation")
        for ref in rule.quotes:
            passage = by_id.get(ref.passage_id)
            if passage is None:
                problems.append(f"{rule.id}: passage {ref.passage_id!r} does not exist in the corpus")
                continue
            if not ref.text or ref.text not in passage.quote or ref.text not in corpus.text:
                problems.append(f"{rule.id}: quote is not verbatim text of passage {ref.passage_id}: {ref.text!r}")
                continue
            cites.append(Citation(source=corpus.source_id, passage_id=passage.id, quote=ref.text, refs=passage.refs))
        resolved[rule.id] = tuple(cites)
    if problems:
        raise RuleDefinitionError(
            f"{len(problems)} rule citation(s) do not match the corpus (sha256 {corpus.sha256}):\n  - "
            + "\n  - ".join(problems)
            + "\nFix the quote in core/catalog.py; never edit the corpus."
        )
    return Rulebook(corpus.sha256, corpus.source_id, rules, resolved)
