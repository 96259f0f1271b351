"""Choice of agent: recommendation strength, route preference, second-line conditions."""

from __future__ import annotations

from .criteria import crit
from .decision import Criterion, Decision, InputValue
from .drugs import Drug, drug_info
from .facts import PatientFacts
from .query import Query
from .rulebook import Rulebook

__all__ = ["choice_decisions", "teratogenicity_decisions"]

_JAKS = ("upadacitinib", "abrocitinib", "baricitinib")


def _barrier(facts: PatientFacts) -> Criterion:
    b = facts.first_line_barriers
    return crit("first-line agents unavailable, unaffordable or contraindicated",
                "unknown" if b is None else "met" if b else "not_met",
                "not stated" if b is None else ("first-line agents " + " / ".join(b)) if b else "no barrier stated")


def teratogenicity_decisions(book: Rulebook, facts: PatientFacts, drugs: tuple[Drug, ...]) -> list[Decision]:
    """Flag teratogenic agents when the patient is pregnant or planning pregnancy."""
    if not facts.pregnancy_or_planning:
        return []
    out = []
    for d in drugs:
        rule = drug_info(d).teratogenic_rule
        if rule is not None:
            out.append(book.decision(
                rule, verdict="teratogenic", inputs={"pregnancy_or_planning": True},
                criteria=(crit("pregnant or planning pregnancy", "met", "stated"),),
                statement=f"{drug_info(d).name} is teratogenic (an adverse effect the guideline lists); the patient "
                          "is pregnant or planning pregnancy."))
    return out


def _second_line(book: Rulebook, facts: PatientFacts) -> list[Decision]:
    barrier = _barrier(facts)
    inputs: dict[str, InputValue] = {"first_line_barriers": [str(b) for b in facts.first_line_barriers or ()] or None,
                                     "pregnancy_or_planning": facts.pregnancy_or_planning}
    out = [book.decision(
        "CHOICE-SECOND-LINE", verdict="second_line", inputs=inputs, criteria=(barrier,),
        statement=f"First-line agents are {' / '.join(facts.first_line_barriers or ())}: the guideline's conditional "
                  "(weaker) options are the traditional immunosuppressants cyclosporine, methotrexate, azathioprine "
                  "and mycophenolate.",
    ), book.decision(
        "CHOICE-CYCLOSPORINE-RAPID", verdict="context",
        statement="Cyclosporine is historically considered the first choice among traditional immunosuppressants "
                  "for rapid control.",
    )]
    return out + teratogenicity_decisions(book, facts, ("methotrexate", "mycophenolate"))


def _general(book: Rulebook, facts: PatientFacts) -> list[Decision]:
    if facts.first_line_barriers:
        return _second_line(book, facts)
    inputs = {"route_preference": facts.route_preference, "first_line_barriers": None}
    pref = crit("route preference", "unknown" if facts.route_preference is None else "met",
                "not stated" if facts.route_preference is None else f"prefers {facts.route_preference}")
    if facts.route_preference == "oral":
        return [book.decision(
            "CHOICE-ORAL-PREFERENCE", verdict="oral_first_line", inputs=inputs, criteria=(pref,),
            statement="For a patient who declines injections, the oral JAK inhibitors upadacitinib, abrocitinib and "
                      "baricitinib are first-line options with strong recommendations; the injectable alternatives "
                      "are dupilumab (strongest recommendation) and tralokinumab (strong recommendation).",
        ), book.decision("CHOICE-JAK", verdict="strong",
                         statement="Upadacitinib, abrocitinib and baricitinib all receive strong recommendations as "
                                   "first-line systemic options.")]
    rapid = [book.decision("CHOICE-CYCLOSPORINE-RAPID", verdict="context", drug="cyclosporine",
                           inputs={"rapid_control_needed": True},
                           statement="Cyclosporine is historically considered the first choice among traditional "
                                     "immunosuppressants for rapid control.")] if facts.rapid_control_needed else []
    return [*rapid, book.decision(
        "CHOICE-FIRST-LINE", verdict="first_line", inputs=inputs, criteria=(pref,),
        statement="First line: dupilumab (strongest recommendation), then the JAK inhibitors upadacitinib, abrocitinib "
                  "and baricitinib and tralokinumab (strong recommendations), chosen by patient preference (injection "
                  "vs. oral), insurance coverage and comorbidities. Traditional immunosuppressants are second line; "
                  "systemic corticosteroids are recommended against.",
    ), book.decision(
        "CHOICE-SECOND-LINE", verdict="second_line", criteria=(_barrier(facts),),
        statement="Traditional immunosuppressants (cyclosporine, methotrexate, azathioprine, mycophenolate) carry "
                  "conditional recommendations: reserve them for when first-line agents are unavailable, "
                  "unaffordable or contraindicated.",
    )]


def choice_decisions(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    """Where an agent stands in the guideline, for this patient."""
    drug = q.drug
    if drug is None:
        return _general(book, facts)
    if drug == "systemic_corticosteroids":
        flare_known = facts.acute_severe_flare
        flare = crit("acute severe flare", "unknown" if flare_known is None else "met" if flare_known else "not_met",
                     f"acute severe flare: {flare_known}")
        return [book.decision(
            "CHOICE-CORTICOSTEROIDS-AGAINST", verdict="recommended_against", criteria=(flare,),
            inputs={"acute_severe_flare": facts.acute_severe_flare},
            statement="Systemic corticosteroids: the guideline makes a conditional recommendation against them for "
                      "atopic dermatitis. Use only for short-term rescue therapy, if at all (very short-term rescue in "
                      "acute severe flares), because of rebound flares upon discontinuation and long-term adverse "
                      "effects.",
        )]
    info = drug_info(drug)
    if drug == "dupilumab":
        return [book.decision("CHOICE-DUPILUMAB", verdict="strongest",
                              statement="Dupilumab has the strongest recommendation: the preferred first-line systemic "
                                        "therapy for moderate-to-severe atopic dermatitis.")]
    if drug == "tralokinumab":
        return [book.decision("CHOICE-TRALOKINUMAB", verdict="strong",
                              statement="Tralokinumab, an IL-13 inhibitor, has a strong recommendation as a "
                                        "first-line option for moderate-to-severe atopic dermatitis.")]
    if drug in _JAKS:
        out = [book.decision("CHOICE-JAK", verdict="strong", drug=drug,
                             statement=f"{info.name} is a JAK inhibitor with a strong recommendation as a first-line "
                                       "systemic option.")]
        if facts.route_preference == "oral":
            out.append(book.decision("CHOICE-ORAL-PREFERENCE", verdict="oral_first_line", drug=drug,
                                     statement="Oral administration may be preferred by patients who decline "
                                               "injections."))
        return out
    barrier = _barrier(facts)
    verdict = {"met": "second_line_appropriate", "not_met": "first_line_preferred", "unknown": "conditional"}[
        barrier.status]
    tail = {"met": "First-line agents are " + " / ".join(facts.first_line_barriers or ()) + ", so it is an option.",
            "not_met": "First-line agents are not ruled out for this patient, so they are preferred.",
            "unknown": "Prefer first-line agents unless they are unavailable, unaffordable or contraindicated."}[
        barrier.status]
    out = [book.decision(
        "CHOICE-SECOND-LINE", verdict=verdict, drug=drug, criteria=(barrier,),
        inputs={"first_line_barriers": list(facts.first_line_barriers) if facts.first_line_barriers is not None
                else None},
        statement=f"{info.name} is a traditional immunosuppressant with a conditional (weaker) recommendation, "
                  f"considered when first-line agents are unavailable, unaffordable or contraindicated. {tail}",
    )]
    if drug == "cyclosporine":
        out.append(book.decision("CHOICE-CYCLOSPORINE-RAPID", verdict="context",
                                 statement="Cyclosporine is historically considered the first choice among traditional "
                                           "immunosuppressants for rapid control."))
    return out + teratogenicity_decisions(book, facts, (drug,))
