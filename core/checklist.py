"""The pre-systemic checklist: what must be done before any systemic agent."""

from __future__ import annotations

from .criteria import crit
from .decision import Criterion, Decision
from .drugs import drug_info
from .facts import PatientFacts
from .query import Query
from .rulebook import Rulebook

__all__ = ["checklist_decisions"]


def _bool_item(name: str, value: bool | None, yes: str, no: str, unknown: str) -> Criterion:
    return crit(name, "unknown" if value is None else "met" if value else "not_met",
                unknown if value is None else yes if value else no)


def checklist_decisions(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    """A summary decision (complete / action required / to confirm) then one decision per open item."""
    signs = ", ".join(facts.infection_signs or ()) or "signs"
    items: list[tuple[str, Criterion, str]] = []  # (rule id, criterion, action)
    bact = facts.bacterial_superinfection
    treated = facts.infection_treated
    items.append(("PRE-BACTERIAL-INFECTION", crit(
        "no untreated bacterial superinfection",
        "met" if bact is False or (bact and treated) else "not_met" if bact else "unknown",
        f"bacterial superinfection ({signs}) {'treated' if treated else 'present, untreated'}" if bact else
        "no bacterial superinfection" if bact is False else "look for crusting, weeping, pustules"),
        "treat the bacterial superinfection with systemic antibiotics before starting immunosuppression"))
    herp = facts.eczema_herpeticum
    items.append(("PRE-ECZEMA-HERPETICUM", crit(
        "no untreated eczema herpeticum",
        "met" if herp is False or (herp and treated) else "not_met" if herp else "unknown",
        "eczema herpeticum " + ("treated" if treated else "present, untreated") if herp else
        "no eczema herpeticum" if herp is False else "not assessed"),
        "treat eczema herpeticum with antivirals before starting immunosuppression"))
    refractory = " (patch testing is essential in refractory cases)" if facts.refractory else ""
    items.append(("PRE-CONTACT-DERMATITIS", _bool_item(
        "allergic contact dermatitis ruled out", facts.contact_dermatitis_excluded, "ruled out",
        "not ruled out", "not yet ruled out"), f"rule out allergic contact dermatitis by patch testing{refractory}"))
    if facts.refractory or q.checklist_item == "lymphoma":
        items.append(("PRE-LYMPHOMA", _bool_item(
            "cutaneous lymphoma ruled out (refractory case)", facts.lymphoma_excluded, "ruled out", "not ruled out",
            "refractory disease: not yet ruled out" if facts.refractory else "not yet ruled out"),
            "rule out cutaneous lymphoma in this refractory case"))
    adherent = facts.adherent if not (facts.steroid_phobia and facts.adherent is None) else False
    items.append(("PRE-ADHERENCE", _bool_item(
        "true topical failure verified (adherence)", adherent, "adherent: true failure",
        "nonadherence or steroid phobia", "adherence not yet assessed"),
        "address nonadherence and steroid phobia through patient education"))
    n = facts.severity_timepoints
    items.append(("PRE-DOCUMENT-SEVERITY", crit(
        "severity documented at multiple time points", "unknown" if n is None else "met" if n >= 2 else "not_met",
        "not stated" if n is None else f"{n} time point(s)"), "document disease severity at multiple time points"))
    photo = facts.phototherapy_considered
    bypass = facts.phototherapy_accessible is False
    items.append(("PRE-PHOTOTHERAPY", crit(
        "phototherapy (narrowband UVB) considered",
        "met" if photo or bypass else "unknown" if photo is None else "not_met",
        "can be bypassed: impractical or inaccessible" if bypass else
        "considered" if photo else "not considered" if photo is False else "not stated"),
        "consider narrowband UVB phototherapy (it can be bypassed if impractical or inaccessible)"))

    criteria = tuple(c for _, c, _ in items)
    blocking = [a for _, c, a in items if c.status == "not_met"]
    unknown = [c.name for _, c, _ in items if c.status == "unknown"]
    agent = drug_info(q.drug).name.lower() if q.drug else "systemic therapy"
    inputs = {k: v for k, v in facts.model_dump().items() if k in {
        "bacterial_superinfection", "eczema_herpeticum", "infection_treated", "contact_dermatitis_excluded",
        "refractory", "lymphoma_excluded", "adherent", "steroid_phobia", "severity_timepoints",
        "phototherapy_considered", "phototherapy_accessible"}}
    inputs["infection_signs"] = list(facts.infection_signs) if facts.infection_signs is not None else None
    infection_first = [a for a in blocking if "before starting immunosuppression" in a]
    if blocking:
        lead = f"Do not start {agent} yet" if infection_first or q.drug else "Before systemic therapy"
        statement = f"{lead}: " + "; ".join(blocking) + "."
        verdict = "action_required"
    elif unknown:
        statement = f"Before starting {agent}, confirm: " + "; ".join(unknown) + "."
        verdict = "to_confirm"
    else:
        statement = f"Pre-systemic checklist complete: {agent} may be started as far as these checks go."
        verdict = "complete"
    # the summary quotes the passage of every item still open, so the patch-test allergens, lymphoma in refractory
    # cases and antivirals for eczema herpeticum are read in the guideline's words, not only the section header
    open_items = tuple(dict.fromkeys(rule_id for rule_id, c, _ in items if c.status != "met"))
    summary = book.decision("PRE-CHECKLIST", verdict=verdict, inputs=inputs, criteria=criteria, statement=statement,
                            drug=q.drug, also_cite=open_items)
    details = [
        book.decision(rule_id, verdict="action_required", criteria=(c,), inputs=inputs,
                      statement=action[0].upper() + action[1:] + ".")
        for rule_id, c, action in items if c.status == "not_met"
    ]
    asked = _ITEM_RULES.get(q.checklist_item) if q.checklist_item else None
    if asked is not None and asked not in {d.rule_id for d in details}:
        # the step asked about leads, in the guideline's terms, whatever its state (open, done or unknown)
        c = next(c for rule_id, c, _ in items if rule_id == asked)
        step = book.decision(asked, verdict="asked", criteria=(c,), inputs=inputs,
                             statement=f"{_ASKED[asked]} (for this patient: {c.detail}).")
        return [step, summary, *details]
    if asked is not None:
        step = next(d for d in details if d.rule_id == asked)
        return [step, summary, *[d for d in details if d is not step]]
    return [summary, *details]


_ITEM_RULES = {"bacterial_infection": "PRE-BACTERIAL-INFECTION", "eczema_herpeticum": "PRE-ECZEMA-HERPETICUM",
               "contact_dermatitis": "PRE-CONTACT-DERMATITIS", "lymphoma": "PRE-LYMPHOMA",
               "adherence": "PRE-ADHERENCE", "document_severity": "PRE-DOCUMENT-SEVERITY",
               "phototherapy": "PRE-PHOTOTHERAPY"}
# each step as the guideline states it, for a question about that step alone (every number is the guideline's)
_ASKED = {
    "PRE-BACTERIAL-INFECTION": "Treat bacterial superinfection (crusting, weeping, pustules) with systemic "
                               "antibiotics before starting immunosuppression",
    "PRE-ECZEMA-HERPETICUM": "Treat eczema herpeticum with antivirals before starting immunosuppression",
    "PRE-CONTACT-DERMATITIS": "Rule out allergic contact dermatitis by patch testing for fragrances, preservatives "
                              "(such as methylchlorothiazolinone) and propylene glycol in topical products; patch "
                              "testing is essential in refractory cases",
    "PRE-LYMPHOMA": "Rule out cutaneous lymphoma in refractory cases before systemic therapy",
    "PRE-ADHERENCE": "Verify true topical failure by assessing adherence versus actual lack of efficacy; address "
                     "steroid phobia through patient education if nonadherence is the issue",
    "PRE-DOCUMENT-SEVERITY": "Document disease severity at multiple time points showing persistent moderate-to-severe "
                             "disease (BSA ≥10%, IGA ≥3, or significant quality of life impairment) despite 1-4 weeks "
                             "of intensive medium-to-high potency topical corticosteroids",
    "PRE-PHOTOTHERAPY": "Consider phototherapy (narrowband UVB preferred) as an intermediate step before systemic "
                        "agents, especially in adults and older children; it can be bypassed if impractical or "
                        "inaccessible",
}
