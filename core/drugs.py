"""The systemic agents the guideline names, and how it groups them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DRUGS", "Drug", "DrugInfo", "Strength", "drug_info"]

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


@dataclass(frozen=True)
class DrugInfo:
    """Display name, class, route and recommendation strength as the guideline states them."""

    drug: Drug
    name: str
    drug_class: Literal["biologic", "jak_inhibitor", "traditional_immunosuppressant", "corticosteroid"]
    route: Literal["injection", "oral"]
    strength: Strength
    line: Literal["first", "second", "against"]
    teratogenic_rule: str | None = None
    """The adverse-effects rule that lists teratogenicity for this agent (None: the guideline lists none)."""

    @property
    def teratogenic(self) -> bool:
        """The guideline lists teratogenicity among its adverse effects."""
        return self.teratogenic_rule is not None


DRUGS: dict[Drug, DrugInfo] = {
    d.drug: d
    for d in (
        DrugInfo("dupilumab", "Dupilumab", "biologic", "injection", "strongest", "first"),
        DrugInfo("tralokinumab", "Tralokinumab", "biologic", "injection", "strong", "first"),
        DrugInfo("upadacitinib", "Upadacitinib", "jak_inhibitor", "oral", "strong", "first"),
        DrugInfo("abrocitinib", "Abrocitinib", "jak_inhibitor", "oral", "strong", "first"),
        DrugInfo("baricitinib", "Baricitinib", "jak_inhibitor", "oral", "strong", "first"),
        DrugInfo("cyclosporine", "Cyclosporine", "traditional_immunosuppressant", "oral", "conditional", "second"),
        DrugInfo("methotrexate", "Methotrexate", "traditional_immunosuppressant", "oral", "conditional", "second",
                 teratogenic_rule="AE-METHOTREXATE"),
        DrugInfo("azathioprine", "Azathioprine", "traditional_immunosuppressant", "oral", "conditional", "second"),
        DrugInfo("mycophenolate", "Mycophenolate", "traditional_immunosuppressant", "oral", "conditional", "second",
                 teratogenic_rule="AE-MYCOPHENOLATE"),
        DrugInfo(
            "systemic_corticosteroids", "Systemic corticosteroids", "corticosteroid", "oral",
            "conditional_against", "against",
        ),
    )
}


def drug_info(drug: Drug) -> DrugInfo:
    """The guideline's facts about ``drug``."""
    return DRUGS[drug]
