"""What the guideline says about each agent: monitoring, adverse effects, concomitant therapy, response."""

from __future__ import annotations

from .criteria import crit
from .decision import Decision, DecisionKind
from .drugs import DRUGS, Drug, drug_info
from .facts import PatientFacts
from .query import Query
from .rulebook import Rulebook

__all__ = ["NAMING_RULE", "RESPONSE_WEEKS", "STATEMENTS", "agent_fact_decisions"]

RESPONSE_WEEKS: dict[Drug, int] = {"dupilumab": 16}
"""When the guideline expects a response ("Expect response by 16 weeks"), by agent."""

# (kind, drug) -> (rule id, statement). Statements paraphrase only what the cited passage says.
STATEMENTS: dict[tuple[DecisionKind, Drug], tuple[str, str]] = {
    ("monitoring", "dupilumab"): ("MON-DUPILUMAB", "Dupilumab monitoring: ocular surveillance is required; treat "
                                  "conjunctivitis with preservative-free lubricants and topical antihistamine "
                                  "eyedrops."),
    ("monitoring", "cyclosporine"): ("MON-CYCLOSPORINE", "Cyclosporine monitoring: complete blood count, "
                                     "comprehensive metabolic panel (renal function, liver function tests) and blood "
                                     "pressure at baseline and regularly."),
    ("monitoring", "methotrexate"): ("MON-METHOTREXATE", "Methotrexate monitoring: CBC and CMP at baseline and "
                                     "regularly."),
    ("monitoring", "azathioprine"): ("MON-AZATHIOPRINE", "Azathioprine monitoring: CBC and CMP; consider TPMT testing "
                                     "before initiation."),
    ("monitoring", "mycophenolate"): ("MON-MYCOPHENOLATE", "Mycophenolate monitoring: CBC and CMP."),
    ("adverse_effects", "dupilumab"): ("AE-DUPILUMAB", "Dupilumab has a favorable safety profile with manageable "
                                       "adverse events: injection site reactions, conjunctivitis (occurs in ~25% "
                                       "within first 4 months) and oral herpes."),
    ("adverse_effects", "cyclosporine"): ("AE-CYCLOSPORINE", "Cyclosporine adverse effects: nephrotoxicity, "
                                          "hypertension, increased infection risk."),
    ("adverse_effects", "methotrexate"): ("AE-METHOTREXATE", "Methotrexate adverse effects: hepatotoxicity, bone "
                                          "marrow suppression, teratogenicity."),
    ("adverse_effects", "mycophenolate"): ("AE-MYCOPHENOLATE", "Mycophenolate adverse effects: gastrointestinal "
                                           "symptoms, teratogenicity."),
    ("adverse_effects", "systemic_corticosteroids"): ("AE-CORTICOSTEROIDS", "Systemic corticosteroids cause rebound "
                                                      "flares upon discontinuation and long-term adverse effects; use "
                                                      "only for short-term rescue therapy, if at all."),
    ("concomitant", "dupilumab"): ("CONCOMITANT-DUPILUMAB", "Topical corticosteroids and calcineurin inhibitors can "
                                   "be continued alongside dupilumab."),
    ("response", "dupilumab"): ("RESPONSE-DUPILUMAB", "Dupilumab: expect response by 16 weeks, assessed with EASI and "
                                "IGA scores; benefits are maintained long-term."),
}

# The passage that names each agent, cited when the guideline is silent on a topic for it.
NAMING_RULE: dict[Drug, str] = {
    "dupilumab": "CHOICE-DUPILUMAB", "tralokinumab": "CHOICE-TRALOKINUMAB", "upadacitinib": "CHOICE-JAK",
    "abrocitinib": "CHOICE-JAK", "baricitinib": "CHOICE-JAK", "cyclosporine": "CHOICE-SECOND-LINE",
    "methotrexate": "CHOICE-SECOND-LINE", "azathioprine": "CHOICE-SECOND-LINE", "mycophenolate": "CHOICE-SECOND-LINE",
    "systemic_corticosteroids": "CHOICE-CORTICOSTEROIDS-AGAINST",
}
_TOPIC_WORDS = {"monitoring": "monitoring", "adverse_effects": "adverse effects", "concomitant": "concomitant therapy",
                "response": "response timeline"}


def _response_detail(book: Rulebook, facts: PatientFacts, rule_id: str, statement: str) -> Decision:
    w = facts.weeks_on_treatment
    if w is None:
        return book.decision(rule_id, statement=statement,
                             criteria=(crit("16 weeks on treatment", "unknown", "weeks on treatment not given"),),
                             inputs={"weeks_on_treatment": None})
    reached = w >= RESPONSE_WEEKS["dupilumab"]
    extra = (f" At {w:g} weeks the 16-week assessment point has not been reached yet." if not reached else
             f" At {w:g} weeks the 16-week assessment point has been reached; assess response with EASI and IGA.")
    return book.decision(rule_id, statement=statement + extra, verdict="assess_now" if reached else "too_early",
                         criteria=(crit("16 weeks on treatment", "met" if reached else "not_met", f"{w:g} weeks"),),
                         inputs={"weeks_on_treatment": w})


def agent_fact_decisions(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    """The guideline's words on one topic for one agent (or for every agent it covers)."""
    kind: DecisionKind = q.topic  # type: ignore[assignment]  # the engine only routes these four topics here
    drugs: tuple[Drug, ...] = (q.drug,) if q.drug else tuple(d for (k, d) in STATEMENTS if k == kind)
    out: list[Decision] = []
    for drug in drugs:
        entry = STATEMENTS.get((kind, drug))
        if entry is None:
            out.append(book.decision(
                "INFO-NOT-STATED", outcome="not_covered", verdict="not_in_guideline", drug=drug,
                citations_from=NAMING_RULE[drug],
                statement=f"Not covered: the guideline gives no {_TOPIC_WORDS[kind]} advice for "
                          f"{drug_info(drug).name.lower()}.",
            ))
        elif kind == "response":
            out.append(_response_detail(book, facts, entry[0], entry[1]))
        else:
            out.append(book.decision(entry[0], statement=entry[1]))
    return out


assert all(d in DRUGS for _, d in STATEMENTS)
