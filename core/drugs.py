"""The systemic agents the guideline names: one declarative table of what the rules need to know about each.

Populations, the form of the dose, pediatric coverage and teratogenicity live here as data, so a new
agent or a new restriction is one row (and a test), not edits across the rule modules. Every value is
what the guideline states; the rows say where the guideline is silent.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["DRUGS", "DoseForm", "Drug", "DrugInfo", "PediatricDose", "Strength", "drug_info"]

Drug = Literal[
    "dupilumab",
    "tralokinumab",
    "upadacitinib",
    "abrocitinib",
    "baricitinib",
    "cyclosporine",
    "methotrexate",
    "azathioprine",
    "mycophenolate",
    "systemic_corticosteroids",
]

Strength = Literal["strongest", "strong", "conditional", "conditional_against"]
DoseForm = Literal["fixed", "weight_based", "fixed_adult_weight_based_child", "not_stated", "recommended_against"]
"""How the guideline states the dose: a fixed amount, mg/kg/day, fixed for adults and mg/kg for children,
no dose at all, or no dose because it recommends against the agent."""
PediatricDose = Literal["none", "stated", "no_age_range", "population", "not_applicable"]
"""``none``: only an adult regimen (no dose for a child); ``stated``: a pediatric dose is given; ``no_age_range``:
the dose is stated without an age range; ``population``: a stated population (age/weight) decides;
``not_applicable``: the guideline gives no dose for anyone."""


class DrugInfo(BaseModel):
    """One agent, as the guideline states it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    drug: Drug
    """The agent's id."""
    name: str
    """Display name."""
    drug_class: Literal["biologic", "jak_inhibitor", "traditional_immunosuppressant", "corticosteroid"]
    """Class, as the guideline groups the agents."""
    route: Literal["injection", "oral"]
    """Route of administration."""
    strength: Strength
    """Recommendation strength."""
    line: Literal["first", "second", "against"]
    """First line, second line (conditional), or recommended against."""
    dose_form: DoseForm
    """How the guideline states the dose (a proposal in another form is not a dose it gives)."""
    pediatric: PediatricDose
    """What the guideline gives for a child."""
    min_age_years: float | None = None
    """The youngest age the guideline gives the agent for, when it states one."""
    min_weight_kg: float | None = None
    """The lowest weight the guideline gives the agent for, when it states one."""
    teratogenic_rule: str | None = None
    """The adverse-effects rule that lists teratogenicity for this agent (None: the guideline lists none)."""
    pregnancy_addressed: bool = False
    """Whether the guideline says anything on the agent's safety in pregnancy (it does for none of them)."""

    @property
    def teratogenic(self) -> bool:
        """The guideline lists teratogenicity among its adverse effects."""
        return self.teratogenic_rule is not None


_ROWS: tuple[DrugInfo, ...] = (
    DrugInfo(drug="dupilumab", name="Dupilumab", drug_class="biologic", route="injection", strength="strongest",
             line="first", dose_form="fixed", pediatric="none"),
    DrugInfo(drug="tralokinumab", name="Tralokinumab", drug_class="biologic", route="injection", strength="strong",
             line="first", dose_form="not_stated", pediatric="not_applicable"),
    DrugInfo(drug="upadacitinib", name="Upadacitinib", drug_class="jak_inhibitor", route="oral", strength="strong",
             line="first", dose_form="fixed", pediatric="population", min_age_years=12, min_weight_kg=40),
    DrugInfo(drug="abrocitinib", name="Abrocitinib", drug_class="jak_inhibitor", route="oral", strength="strong",
             line="first", dose_form="not_stated", pediatric="not_applicable"),
    DrugInfo(drug="baricitinib", name="Baricitinib", drug_class="jak_inhibitor", route="oral", strength="strong",
             line="first", dose_form="not_stated", pediatric="not_applicable"),
    DrugInfo(drug="cyclosporine", name="Cyclosporine", drug_class="traditional_immunosuppressant", route="oral",
             strength="conditional", line="second", dose_form="weight_based", pediatric="no_age_range"),
    DrugInfo(drug="methotrexate", name="Methotrexate", drug_class="traditional_immunosuppressant", route="oral",
             strength="conditional", line="second", dose_form="fixed", pediatric="none",
             teratogenic_rule="AE-METHOTREXATE"),
    DrugInfo(drug="azathioprine", name="Azathioprine", drug_class="traditional_immunosuppressant", route="oral",
             strength="conditional", line="second", dose_form="weight_based", pediatric="no_age_range"),
    DrugInfo(drug="mycophenolate", name="Mycophenolate", drug_class="traditional_immunosuppressant", route="oral",
             strength="conditional", line="second", dose_form="fixed_adult_weight_based_child", pediatric="stated",
             teratogenic_rule="AE-MYCOPHENOLATE"),
    DrugInfo(drug="systemic_corticosteroids", name="Systemic corticosteroids", drug_class="corticosteroid",
             route="oral", strength="conditional_against", line="against", dose_form="recommended_against",
             pediatric="not_applicable"),
)

DRUGS: dict[Drug, DrugInfo] = {row.drug: row for row in _ROWS}
"""Every agent the guideline names, by id."""

assert len(DRUGS) == len(_ROWS), "one row per agent"
assert all(row.pediatric != "population" or row.min_age_years is not None for row in _ROWS), \
    "a population-restricted agent states its minimum age"


def drug_info(drug: Drug) -> DrugInfo:
    """The guideline's facts about ``drug``."""
    return DRUGS[drug]
