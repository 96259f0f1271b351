"""Assess a situation: every finding the facts trigger, then what was asked, combined into one result."""

from __future__ import annotations

from collections.abc import Callable

from .agent_facts import STATEMENTS, agent_fact_decisions
from .checklist import checklist_decisions
from .choice import choice_decisions
from .decision import CoreResult, Decision, Status, Verdict
from .drugs import drug_info
from .eligibility import eligibility_decisions
from .facts import PatientFacts
from .findings import ASKS_FIRST, agent_doses, findings
from .pitfalls import pitfall_decisions
from .query import Query, Topic
from .rulebook import Rulebook

__all__ = ["TOPIC_KINDS", "assess", "decide"]

_OUTCOME_STATUS: dict[str, Status] = {"decided": "answered", "needs_info": "needs_info", "not_covered": "not_covered"}

TOPIC_KINDS: dict[Topic, str] = {"pitfalls": "pitfall"}
"""Decision kind of each topic where the names differ (every other topic is its own kind)."""

_GO_KINDS = frozenset({"dose", "choice"})
_GO_VERDICTS = frozenset({"eligible", "eligible_if_confirmed", "complete", "to_confirm", "escalation_allowed"})


def _dose(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    return agent_doses(book, facts, q, q.drug) if q.drug is not None else []


def _pre_systemic(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    out = checklist_decisions(book, facts, q)
    if q.drug is not None and ("monitoring", q.drug) in STATEMENTS:
        # "before starting azathioprine": the agent's own baseline checks (TPMT, CBC/CMP, BP) belong here too
        out += agent_fact_decisions(book, facts, q.model_copy(update={"topic": "monitoring"}))
    return out


def _overview(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    return [book.decision(
        "OVERVIEW", verdict="overview",
        statement="After failure of optimized topical therapy in moderate-to-severe atopic dermatitis, dupilumab is "
                  "the first-line systemic agent with the strongest recommendation, followed by the JAK inhibitors "
                  "(upadacitinib, abrocitinib, baricitinib) and tralokinumab, all preferred over traditional "
                  "immunosuppressants; systemic corticosteroids are recommended against.",
    )]


_ROUTES: dict[Topic, Callable[[Rulebook, PatientFacts, Query], list[Decision]]] = {
    "dose": _dose,
    "eligibility": eligibility_decisions,
    "pre_systemic": _pre_systemic,
    "choice": choice_decisions,
    "monitoring": agent_fact_decisions,
    "adverse_effects": agent_fact_decisions,
    "concomitant": agent_fact_decisions,
    "response": agent_fact_decisions,
    "pitfalls": pitfall_decisions,
    "overview": _overview,
}


def _asked(book: Rulebook, facts: PatientFacts, query: Query) -> list[Decision]:
    """The decisions of each topic asked, in the order asked (info unless a finding says otherwise)."""
    out: list[Decision] = []
    for topic in dict.fromkeys((query.topic, *query.also)):
        q = query.model_copy(update={"topic": topic})
        decisions = _ROUTES[topic](book, facts, q)
        if topic == "choice":
            # "pred or cyclosporine, which would you pick?": where each agent named stands, not only the first
            for other in q.other_drugs:
                decisions += [d for d in _ROUTES["choice"](book, facts, q.model_copy(update={"drug": other}))
                              if d not in decisions]
        if topic == "adverse_effects" and facts.pregnancy_or_planning:
            # in pregnancy, a general safety profile reads as reassurance the guideline never gives: the
            # pregnancy finding answers instead (teratogenic agents keep their list, it says 'teratogenicity')
            decisions = [d for d in decisions if d.drug is None or drug_info(d.drug).teratogenic
                         or drug_info(d.drug).line == "against"]
        out += decisions
    return out


def _verdict(status: Status, shown: list[Decision], primary: Decision | None) -> Verdict:
    if any(d.severity == "block" for d in shown):
        return "dont"
    if status != "answered":
        return "cant_say"
    if primary is not None and (primary.kind in _GO_KINDS or primary.verdict in _GO_VERDICTS):
        return "go"
    return "info"


def assess(book: Rulebook, facts: PatientFacts, query: Query) -> CoreResult:
    """Every finding the facts trigger (blocks, then cautions), then the decisions of the topics asked.

    Pure: same inputs, same result. ``query.topic`` and ``query.also`` only order and select the *info*
    decisions; which blocks and cautions fire depends on the facts, the agents named and the proposal alone.
    """
    found = findings(book, facts, query)
    keys = {(d.rule_id, d.drug, d.verdict) for d in found}
    # a teratogenic agent in pregnancy or planning: the block stands alone, its dose is not shown
    withheld = {d.drug for d in found if d.verdict == "teratogenic" and d.severity == "block"}
    asked = [d for d in _asked(book, facts, query) if (d.rule_id, d.drug, d.verdict) not in keys
             and not (d.kind == "dose" and d.drug in withheld)]
    asked_kinds = {TOPIC_KINDS.get(t, t) for t in (query.topic, *query.also)}
    pregnancy_answers = query.topic == "adverse_effects" or "adverse_effects" in query.also

    def rank(d: Decision) -> tuple[int, int]:
        related = d.kind in asked_kinds or (pregnancy_answers and d.verdict == "pregnancy_not_addressed")
        return ({"block": 0, "caution": 1, "info": 2}[d.severity], 0 if related else 1)

    shown = sorted(found, key=rank) + asked  # sorted() is stable: within a rank, the checks' order stays
    proposal = {k: v for k, v in (("requested_dose_mg", query.requested_dose_mg),
                                  ("requested_dose_mg_per_kg_day", query.requested_dose_mg_per_kg_day),
                                  ("requested_frequency", query.requested_frequency)) if v is not None}
    if proposal:
        # a proposed dose/frequency is an input too: record it so every number in a statement is traceable
        shown = [d.model_copy(update={"inputs": {**proposal, **d.inputs}}) if d.drug in (None, query.drug) else d
                 for d in shown]
    blocks = [d for d in shown if d.severity == "block"]
    answering = [d for d in shown if d.verdict == "pregnancy_not_addressed"] if pregnancy_answers else []
    # a caution that cannot be settled without a fact ("a 13-year-old: the weight decides whether upadacitinib is given
    # at all") asks for it before anything else is answered
    deciding = [d for d in shown if d.severity == "caution" and (d.rule_id, d.verdict) in ASKS_FIRST]
    primary: Decision | None = blocks[0] if blocks else deciding[0] if deciding else next(
        iter(answering or asked or shown), None)
    status: Status = _OUTCOME_STATUS[primary.outcome] if primary is not None else "needs_info"
    missing: list[str] = ["drug"] if query.drug is None and "dose" in (query.topic, *query.also) else []
    if not shown:
        return CoreResult(status="needs_info", decisions=(), missing=tuple(missing), verdict="cant_say")
    for d in shown:  # what was asked, including a finding that answers it (an eligibility caution, say)
        if d in asked or d.kind in asked_kinds or d is primary:
            missing += [m for m in d.missing if m not in missing]
    return CoreResult(status=status, decisions=tuple(shown), missing=tuple(missing),
                      verdict=_verdict(status, shown, primary))


def decide(book: Rulebook, facts: PatientFacts, query: Query) -> CoreResult:
    """Thin wrapper kept for callers of the one-topic API: the same as :func:`assess`."""
    return assess(book, facts, query)
