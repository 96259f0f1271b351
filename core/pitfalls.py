"""The guideline's critical clinical pitfalls."""

from __future__ import annotations

from .decision import Decision
from .facts import PatientFacts
from .query import PitfallTopic, Query
from .rulebook import Rulebook

__all__ = ["PITFALLS", "pitfall_decisions"]

PITFALLS: dict[PitfallTopic, tuple[str, str]] = {
    "topicals_first": ("PITFALL-TOPICALS-FIRST", "Do not start systemic therapy without optimizing topical regimens "
                       "first: educate on application technique and frequency, and address corticosteroid phobia."),
    "contact_dermatitis": ("PITFALL-CONTACT-DERMATITIS", "Do not overlook contact dermatitis: patch testing is "
                           "essential in refractory cases, as allergens in emollients and topical medications "
                           "(preservatives, fragrances) frequently perpetuate disease."),
    "quality_of_life": ("PITFALL-QUALITY-OF-LIFE", "Do not ignore quality of life: severity scores alone (SCORAD, "
                        "EASI) are insufficient; involvement of hands, face or eyelids, or significant sleep "
                        "disruption or psychosocial impact, justifies systemic therapy even with lower body surface "
                        "area involvement."),
    "antihistamines": ("PITFALL-ANTIHISTAMINES", "Do not prescribe oral antihistamines for itch control: they have "
                       "limited efficacy (42% response rate) and work primarily through sedation, not antipruritic "
                       "mechanisms."),
    "antibiotics": ("PITFALL-ANTIBIOTICS", "Do not use systemic antibiotics prophylactically: they are ineffective "
                    "for preventing flares and do not reduce S. aureus colonization; reserve them for documented "
                    "bacterial superinfection."),
}


def pitfall_decisions(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    """One pitfall when asked about it, else all of them."""
    keys = (q.pitfall,) if q.pitfall else tuple(PITFALLS)
    return [book.decision(PITFALLS[k][0], verdict="avoid", statement=PITFALLS[k][1]) for k in keys]
