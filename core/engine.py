"""Route a query to its rules and combine the decisions into one result."""

from __future__ import annotations

from collections.abc import Callable

from .agent_facts import STATEMENTS, agent_fact_decisions
from .checklist import checklist_decisions
from .choice import choice_decisions, teratogenicity_decisions
from .decision import CoreResult, Decision, Status
from .dosing import dose_decisions
from .eligibility import eligibility_decisions
from .facts import PatientFacts
from .pitfalls import pitfall_decisions
from .query import Query, Topic
from .rulebook import Rulebook

__all__ = ["decide"]

_OUTCOME_STATUS: dict[str, Status] = {"decided": "answered", "needs_info": "needs_info", "not_covered": "not_covered"}


def _dose(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    out = dose_decisions(book, facts, q)
    if out and out[0].outcome != "not_covered" and q.drug:
        out += teratogenicity_decisions(book, facts, (q.drug,))
    return out


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


def decide(book: Rulebook, facts: PatientFacts, query: Query) -> CoreResult:
    """Run the rules for ``query`` on ``facts``. Pure: same inputs, same result."""
    if query.topic == "dose" and query.drug is None:
        return CoreResult(status="needs_info", decisions=(), missing=("drug",))
    if (query.topic == "dose" and query.requested_dose_mg is None and query.drug is not None
            and facts.current_drug == query.drug and facts.current_dose_mg is not None
            and not (query.drug == "upadacitinib" and facts.current_dose_mg == 15)):
        # "60 kg pt on Neoral 250 mg BID - ok?": the dose the patient is on is checked like a proposed one
        query = query.model_copy(update={"requested_dose_mg": facts.current_dose_mg})
    decisions = _ROUTES[query.topic](book, facts, query)
    if query.requested_dose_mg is not None or query.requested_frequency is not None:
        # a proposed dose/frequency is an input too: record it so every number in a statement is traceable
        asked = {"requested_dose_mg": query.requested_dose_mg, "requested_frequency": query.requested_frequency}
        decisions = [d.model_copy(update={"inputs": {**d.inputs, **asked}}) for d in decisions]
    missing: list[str] = []
    for d in decisions:
        missing += [m for m in d.missing if m not in missing]
    status = _OUTCOME_STATUS[decisions[0].outcome] if decisions else "needs_info"
    return CoreResult(status=status, decisions=tuple(decisions), missing=tuple(missing))
