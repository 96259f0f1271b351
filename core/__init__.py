"""The deterministic rule core: facts in, cited decisions out. No I/O, no LLM, no randomness.

Typical use::

    from corpus import get_corpus
    from core import PatientFacts, Query, build_rulebook, decide

    book = build_rulebook(get_corpus())      # verifies every citation against the corpus
    result = decide(book, PatientFacts(age_years=72), Query(topic="dose", drug="upadacitinib", escalation=True))
"""

from .catalog import RULES, QuoteRef, Rule
from .classify import (
    Classification,
    ckd_stage_for_egfr,
    classify_age,
    classify_potency,
    classify_renal,
    derived_facts,
)
from .decision import (
    Citation,
    CoreResult,
    Criterion,
    CriterionStatus,
    Decision,
    DecisionKind,
    Dose,
    Outcome,
    Severity,
    Status,
    Verdict,
)
from .drugs import DRUGS, Drug, DrugInfo, drug_info
from .engine import assess, decide
from .errors import CoreError, InvalidFactsError, RuleDefinitionError, describe_validation_error
from .facts import FACT_RANGES, LB_TO_KG, PatientFacts, parse_facts
from .findings import SEVERITY_BY_VERDICT, findings, severity_of
from .numbers import fmt, round1
from .query import ChecklistItem, Frequency, PitfallTopic, Query, Topic
from .rulebook import Rulebook, build_rulebook

__all__ = [
    "ChecklistItem",
    "DRUGS",
    "FACT_RANGES",
    "LB_TO_KG",
    "RULES",
    "SEVERITY_BY_VERDICT",
    "Citation",
    "Classification",
    "CoreError",
    "CoreResult",
    "Criterion",
    "CriterionStatus",
    "Decision",
    "DecisionKind",
    "Dose",
    "Drug",
    "DrugInfo",
    "Frequency",
    "InvalidFactsError",
    "Outcome",
    "PatientFacts",
    "PitfallTopic",
    "Query",
    "QuoteRef",
    "Rule",
    "RuleDefinitionError",
    "Rulebook",
    "Severity",
    "Status",
    "Topic",
    "Verdict",
    "assess",
    "build_rulebook",
    "ckd_stage_for_egfr",
    "classify_age",
    "classify_potency",
    "classify_renal",
    "derived_facts",
    "decide",
    "describe_validation_error",
    "drug_info",
    "findings",
    "fmt",
    "parse_facts",
    "round1",
    "severity_of",
]
