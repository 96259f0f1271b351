"""Safety findings: every rule that the known facts trigger, whatever the question asked.

A clinical decision-support engine fires every card whose conditions hold. ``findings`` evaluates the
whole situation (the facts, the agents named, the dose or frequency proposed) and returns the decisions
that must be shown before the answer: ``block`` (do not start / do not give this) and ``caution``.
The topic the reader guessed is not an input, so no wording can switch a safety rule off.

The severity of a decision is data: ``SEVERITY_BY_VERDICT`` maps the rules' machine verdicts to a
severity, and ``CHECKS`` lists the checks run on every situation. A new safety check is one function in
``CHECKS`` (or one verdict row) plus a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .agent_facts import NAMING_RULE
from .checklist import checklist_decisions
from .choice import choice_decisions, teratogenicity_decisions
from .criteria import crit
from .decision import Decision, Severity
from .dosing import dose_decisions
from .drugs import Drug, drug_info
from .eligibility import eligibility_decisions
from .facts import PatientFacts
from .pitfalls import pitfall_decisions
from .query import Query
from .rulebook import Rulebook

__all__ = ["ASKS_FIRST", "CHECKS", "SEVERITY_BY_VERDICT", "Situation", "agent_doses", "findings", "severity_of"]

SEVERITY_BY_VERDICT: dict[tuple[str, str], Severity] = {
    # (rule id or '*', verdict) -> severity; '*' applies to every rule with that verdict
    ("*", "outside_population"): "block",            # upadacitinib <12 years or <40 kg
    ("*", "no_pediatric_dose"): "block",             # dupilumab / methotrexate for a child
    ("*", "kidney_failure_not_addressed"): "block",  # upadacitinib with kidney failure: no dose given
    ("*", "escalation_not_allowed"): "block",        # upadacitinib 30 mg at ≥65 years or severe renal impairment
    ("*", "dose_outside_range"): "block",            # a proposed or current amount outside the range
    ("*", "dose_not_in_guideline"): "block",         # an amount or form the guideline never gives
    ("*", "frequency_corrected"): "block",           # e.g. daily methotrexate
    ("*", "not_a_start_dose"): "block",              # upadacitinib started at 30 mg
    ("*", "teratogenic"): "block",                   # methotrexate / mycophenolate in pregnancy or planning
    ("*", "recommended_against"): "block",           # systemic corticosteroids, whatever the wording
    ("*", "no_dose_recommended_against"): "block",
    ("ELIG-SYSTEMIC", "not_yet"): "block",           # criteria not met: trial too short, low potency, scores low
    ("PITFALL-TOPICALS-FIRST", "avoid"): "block",
    ("PITFALL-ANTIHISTAMINES", "avoid"): "block",
    ("PITFALL-ANTIBIOTICS", "avoid"): "block",
    ("PRE-CHECKLIST", "action_required"): "block",  # only ever a finding when an infection is untreated
    ("PRE-BACTERIAL-INFECTION", "action_required"): "block",
    ("PRE-ECZEMA-HERPETICUM", "action_required"): "block",
    ("PRE-CONTACT-DERMATITIS", "action_required"): "caution",
    ("PRE-LYMPHOMA", "action_required"): "caution",
    ("PRE-PHOTOTHERAPY", "action_required"): "caution",
    ("PRE-DOCUMENT-SEVERITY", "action_required"): "caution",
    ("ELIG-SYSTEMIC", "below_threshold_so_far"): "caution",  # scores given all below, the others unknown
    ("DOSE-UPADACITINIB", "needs_weight"): "caution",  # a child: the weight decides whether it is given at all
    ("*", "restricted_to_15mg"): "caution",          # upadacitinib ≥65 years / severe renal impairment
    ("*", "dose_depends_on_frequency"): "caution",
    ("*", "pregnancy_not_addressed"): "caution",
    ("*", "teratogenic_not_excluded"): "caution",     # pregnancy possible (hedged, untested) with MTX / MMF
    ("*", "teratogenic_status_unknown"): "caution",   # a woman under 55, pregnancy not mentioned, with MTX / MMF
    ("*", "teratogenic_alternative"): "caution",     # pregnancy, no agent named: the teratogenic options
}
"""Which verdicts are findings, and how severe. Verdicts not listed are ``info``."""

ASKS_FIRST: frozenset[tuple[str, str]] = frozenset({
    ("DOSE-UPADACITINIB", "needs_weight"),  # a child: the weight decides whether the guideline gives it at all
})
"""Cautions that cannot be settled without a missing fact: the answer asks for it first (``needs_info``)."""


def severity_of(decision: Decision) -> Severity:
    """The severity the table gives this decision's verdict."""
    verdict = decision.verdict or ""
    return SEVERITY_BY_VERDICT.get((decision.rule_id, verdict), SEVERITY_BY_VERDICT.get(("*", verdict), "info"))


@dataclass(frozen=True)
class Situation:
    """What the checks read: the facts, the agents in play and what was proposed (never the topic)."""

    facts: PatientFacts
    query: Query

    @property
    def drugs(self) -> tuple[Drug, ...]:
        """Every agent named, plus the one the patient is on."""
        named = [d for d in (self.query.drug, *self.query.other_drugs) if d is not None]
        if self.facts.current_drug is not None:
            named.append(self.facts.current_drug)
        return tuple(dict.fromkeys(named))

    @property
    def starting(self) -> bool:
        """A start of systemic therapy is in question: no agent named, or one the patient is not on yet."""
        drugs = self.drugs
        return not drugs or any(d != self.facts.current_drug for d in drugs)

    def request_for(self, drug: Drug) -> Query:
        """The dose query for ``drug``: the proposal when it is the agent asked about, else the current dose."""
        q = self.query
        if drug == q.drug:
            if (q.requested_dose_mg is None and q.requested_dose_mg_per_kg_day is None
                    and drug == self.facts.current_drug and self.facts.current_dose_mg is not None
                    and not (drug == "upadacitinib" and self.facts.current_dose_mg == 15)):
                # "60 kg pt on Neoral 250 mg BID": the dose the patient is on is checked like a proposed one
                return q.model_copy(update={"topic": "dose", "requested_dose_mg": self.facts.current_dose_mg,
                                            "also": (), "other_drugs": ()})
            return q.model_copy(update={"topic": "dose", "also": (), "other_drugs": ()})  # start_request kept
        current = self.facts.current_dose_mg if drug == self.facts.current_drug else None
        if drug == "upadacitinib" and current == 15:
            current = None  # the start dose is no proposal; 15 mg is checked by the population rules anyway
        return Query(topic="dose", drug=drug, requested_dose_mg=current)


Check = Callable[[Rulebook, Situation], list[Decision]]


def agent_doses(book: Rulebook, facts: PatientFacts, query: Query, drug: Drug) -> list[Decision]:
    """The dose rules of ``drug`` for this situation, the proposal (or the current dose) recorded as an input."""
    q = Situation(facts, query).request_for(drug)
    proposal = {k: v for k, v in (("requested_dose_mg", q.requested_dose_mg),
                                  ("requested_dose_mg_per_kg_day", q.requested_dose_mg_per_kg_day),
                                  ("requested_frequency", q.requested_frequency)) if v is not None}
    # the proposal (or the current dose checked as one) is an input: every number stays traceable
    return [d.model_copy(update={"inputs": {**d.inputs, **proposal}}) if proposal else d
            for d in dose_decisions(book, facts, q)]


def _per_drug_doses(book: Rulebook, s: Situation) -> list[Decision]:
    """Population, age, renal and proposed-dose findings of each agent's dose rules."""
    return [d for drug in s.drugs for d in agent_doses(book, s.facts, s.query, drug)]


def _corticosteroids(book: Rulebook, s: Situation) -> list[Decision]:
    """A systemic corticosteroid in any wording: the recommendation against."""
    if "systemic_corticosteroids" not in s.drugs:
        return []
    return choice_decisions(book, s.facts, Query(topic="choice", drug="systemic_corticosteroids"))


def _pregnancy(book: Rulebook, s: Situation) -> list[Decision]:
    """Teratogenic agents block; for any other agent the guideline says nothing on pregnancy."""
    if s.facts.pregnancy_possible and not s.facts.pregnancy_or_planning:
        # "probably not pregnant, no test done yet": not excluded, so a teratogenic agent is said first (a caution)
        return [book.decision(
            info.teratogenic_rule, verdict="teratogenic_not_excluded", drug=drug,
            inputs={"pregnancy_possible": True},
            criteria=(crit("pregnancy excluded", "unknown", "neither confirmed nor excluded"),),
            statement=f"{info.name} is teratogenic (an adverse effect the guideline lists), and pregnancy is not "
                      "excluded for this patient: confirm it before starting.",
        ) for drug in s.drugs if (info := drug_info(drug)).teratogenic_rule is not None]
    if not s.facts.pregnancy_or_planning:
        return []
    out = teratogenicity_decisions(book, s.facts, s.drugs)
    for drug in s.drugs:
        info = drug_info(drug)
        if info.teratogenic or info.pregnancy_addressed or info.line == "against":
            continue  # teratogenicity blocks above; steroids are recommended against whatever the patient
        out.append(book.decision(
            "SAFETY-PREGNANCY", outcome="not_covered", verdict="pregnancy_not_addressed", drug=drug,
            citations_from=NAMING_RULE[drug], inputs={"pregnancy_or_planning": True},
            criteria=(crit("pregnant or planning pregnancy", "met", "stated"),),
            statement=f"Not covered: the guideline says nothing on the safety of {drug_info(drug).name.lower()} in "
                      "pregnancy or when planning pregnancy; it gives no reassurance either way. Use the product's "
                      "prescribing information and specialist advice.",
        ))
    if not s.drugs:
        out += [d.model_copy(update={"verdict": "teratogenic_alternative"})
                for d in teratogenicity_decisions(book, s.facts, ("methotrexate", "mycophenolate"))]
    return out


def _infection(book: Rulebook, s: Situation) -> list[Decision]:
    """An untreated superinfection or eczema herpeticum before any start: treat first."""
    if not (s.facts.bacterial_superinfection or s.facts.eczema_herpeticum):
        return []  # nothing to treat (a shortcut: the checklist would find no infection item open)
    summary, *items = checklist_decisions(book, s.facts, Query(topic="pre_systemic", drug=s.query.drug))
    infections = [d for d in items if d.rule_id in ("PRE-BACTERIAL-INFECTION", "PRE-ECZEMA-HERPETICUM")]
    # the checklist summary ("Do not start dupilumab yet: treat … first") leads, then each infection
    return _on_current([summary, *infections] if infections else [], s)


def _topical_trial(book: Rulebook, s: Situation) -> list[Decision]:
    """Not yet eligible (trial too short, low potency, nonadherence, steroid phobia, scores below threshold)."""
    f = s.facts
    if all(v is None for v in (f.bsa_percent, f.iga, f.topical_trial_days, f.topical_potency, f.topical_steroid,
                               f.severity_timepoints, f.adherent, f.steroid_phobia)):
        return []  # a shortcut: with none of these known no eligibility criterion can be 'not met'
    elig = eligibility_decisions(book, s.facts, Query(topic="eligibility"))
    if elig and elig[0].verdict == "below_threshold_so_far":
        return _on_current(elig, s)  # a caution: the scores given do not qualify, and the rest is not known
    if not elig or elig[0].verdict != "not_yet":
        return []
    trial = {"intensive topical trial ≥1 week (1-4 weeks)", "medium-to-high potency topical corticosteroid",
             "true topical failure (adherent, not steroid phobia)"}
    out = list(elig)
    if any(c.name in trial and c.status == "not_met" for c in elig[0].criteria):
        out += pitfall_decisions(book, s.facts, Query(topic="pitfalls", pitfall="topicals_first"))
    return _on_current(out, s)


def _on_current(decisions: list[Decision], s: Situation) -> list[Decision]:
    """Start-of-therapy findings for a patient already on every agent named: still said, as cautions."""
    if s.starting:
        return decisions
    return [d.model_copy(update={"severity": "caution"}) for d in decisions]


def _pitfall(book: Rulebook, s: Situation) -> list[Decision]:
    """Oral antihistamines for itch, prophylactic antibiotics: named, they are pitfalls whatever was asked."""
    asked = dict.fromkeys((s.query.pitfall, *s.query.also_pitfalls))
    named = [p for p in asked if p in ("antihistamines", "antibiotics")]
    return [d for p in named for d in pitfall_decisions(book, s.facts, Query(topic="pitfalls", pitfall=p))]


def _pregnancy_status_unknown(book: Rulebook, s: Situation) -> list[Decision]:
    """'29-year-old woman, methotrexate dose?': pregnancy not mentioned, and the agent is teratogenic (a caution,
    said after the other findings)."""
    if not (s.facts.pregnancy_or_planning is None and not s.facts.pregnancy_possible and s.facts.sex == "female"
            and s.facts.is_adult is not False and (s.facts.age_years is None or s.facts.age_years < 55)):
        return []
    return [book.decision(
        info.teratogenic_rule, verdict="teratogenic_status_unknown", drug=drug,
        inputs={"sex": "female", "pregnancy_or_planning": None},
        criteria=(crit("pregnancy status given", "unknown", "pregnancy or plans not mentioned"),),
        statement=f"{info.name} is teratogenic (an adverse effect the guideline lists); pregnancy or plans for it "
                  "were not mentioned.",
    ) for drug in s.drugs if (info := drug_info(drug)).teratogenic_rule is not None]


CHECKS: tuple[Check, ...] = (_corticosteroids, _per_drug_doses, _pregnancy, _infection, _topical_trial, _pitfall,
                              _pregnancy_status_unknown)
"""Every check, run on every situation."""


def findings(book: Rulebook, facts: PatientFacts, query: Query) -> list[Decision]:
    """Every block and caution the situation triggers, each once, with its severity set; never topic-dependent."""
    s = Situation(facts, query)
    out: list[Decision] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for check in CHECKS:
        for d in check(book, s):
            severity = severity_of(d) if d.severity == "info" else d.severity  # a check may set it itself
            key = (d.rule_id, d.drug, d.verdict)
            if severity != "info" and key not in seen:
                seen.add(key)
                out.append(d.model_copy(update={"severity": severity}))
    return out
