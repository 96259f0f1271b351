"""Every rule the core applies, with the guideline words it rests on.

A quote is ``(passage_id, text)``: ``text`` must be an exact substring of that passage's
citable text. ``build_rulebook`` checks every one against the corpus when the rules load.
"""

from __future__ import annotations

from dataclasses import dataclass

from .decision import DecisionKind
from .drugs import Drug

__all__ = ["RULES", "QuoteRef", "Rule"]


@dataclass(frozen=True)
class QuoteRef:
    """A verbatim quote and the passage it must come from."""

    passage_id: str
    text: str


@dataclass(frozen=True)
class Rule:
    """One rule: id, family, drug, title and citations."""

    id: str
    kind: DecisionKind
    drug: Drug | None
    title: str
    quotes: tuple[QuoteRef, ...]


def _r(rule_id: str, kind: DecisionKind, drug: Drug | None, title: str, *quotes: tuple[str, str]) -> Rule:
    return Rule(rule_id, kind, drug, title, tuple(QuoteRef(p, q) for p, q in quotes))


# Quotes that several rules share.
_SEVERITY_DOC = (
    "before-systemic-5",
    "Document disease severity at multiple time points showing persistent moderate-to-severe disease "
    "(BSA ≥10%, IGA ≥3, or significant quality of life impairment) despite 1-4 weeks of intensive "
    "medium-to-high potency topical corticosteroids",
)
_ALGO_CONFIRM = (
    "algorithm-1",
    "Confirm topical therapy failure: Document persistent moderate-to-severe disease (BSA ≥10%, IGA ≥3, or "
    "severe pruritus NRS ≥7) despite 1-4 weeks of intensive topical therapy with medium-to-high potency "
    "corticosteroids",
)
_HIGH_IMPACT = (
    "pitfalls-3",
    "involvement of high-impact areas (hands, face, eyelids) or significant sleep disruption/psychosocial impact "
    "justifies systemic therapy even with lower body surface area involvement",
)
_ADHERENCE = (
    "before-systemic-4",
    "Verify true topical therapy failure by assessing adherence versus actual lack of efficacy—address steroid "
    "phobia through patient education if nonadherence is the issue",
)
_TREAT_INFECTIONS = (
    "before-systemic-3",
    "Treat active infections with systemic antibiotics for bacterial superinfection (look for crusting, weeping, "
    "pustules) or antivirals for eczema herpeticum before starting immunosuppression",
)
_UPA_DOSING = (
    "jak-2",
    "Upadacitinib dosing for atopic dermatitis: Start 15 mg orally once daily; may increase to 30 mg once daily if "
    "inadequate response in patients <65 years old; use only 15 mg once daily in patients ≥65 years or with severe "
    "renal impairment",
)
_UPA_AGE = ("jak-3", "Age restrictions: For patients 12 years and older weighing ≥40 kg")
_JAK_STRONG = (
    "jak-1",
    "Upadacitinib, abrocitinib, and baricitinib all receive strong recommendations as first-line systemic options.",
)
_SECOND_LINE = (
    "second-line-1",
    "These receive conditional (weaker) recommendations and should be considered when first-line agents are "
    "unavailable, unaffordable, or contraindicated:",
)
_STEROIDS_AGAINST = (
    "corticosteroids-1",
    "The 2024 AAD guidelines make a conditional recommendation AGAINST using systemic corticosteroids for atopic "
    "dermatitis.",
)
_STEROIDS_RESCUE = (
    "corticosteroids-2",
    "Use only for short-term rescue therapy (if at all) due to rebound flares upon discontinuation and long-term "
    "adverse effects",
)
_MYCO_DOSING = ("mycophenolate-1", "Typical dosing: 1.0-1.5 g orally twice daily; pediatric 30-50 mg/kg daily")

_RULE_LIST: tuple[Rule, ...] = (
    # --- eligibility -------------------------------------------------------------------------------------------
    _r("ELIG-SYSTEMIC", "eligibility", None, "Eligibility for systemic therapy after topical failure",
       _SEVERITY_DOC, _ALGO_CONFIRM, _HIGH_IMPACT, _ADHERENCE),
    # --- pre-systemic checklist ----------------------------------------------------------------------------------
    _r("PRE-CHECKLIST", "pre_systemic", None, "Pre-systemic checklist",
       ("before-systemic-1", "You must complete these assessments before prescribing any oral systemic agent:"),
       ("algorithm-2", "Complete pre-systemic checklist: Rule out contact dermatitis, treat infections, address "
                       "adherence barriers, assess quality of life impact")),
    _r("PRE-CONTACT-DERMATITIS", "pre_systemic", None, "Rule out allergic contact dermatitis (patch testing)",
       ("before-systemic-2", "Rule out alternative diagnoses including allergic contact dermatitis (patch testing for "
                             "fragrances, preservatives like methylchlorothiazolinone, propylene glycol in topical "
                             "products)"),
       ("pitfalls-2", "patch testing is essential in refractory cases")),
    _r("PRE-LYMPHOMA", "pre_systemic", None, "Rule out cutaneous lymphoma in refractory cases",
       ("before-systemic-2", "cutaneous lymphoma in refractory cases")),
    # the whole sentence: a fragment ("... before starting immunosuppression") reads out of its context
    # systemic antibiotics are what the guideline reserves for exactly this: a documented superinfection
    _r("PRE-BACTERIAL-INFECTION", "pre_systemic", None, "Treat bacterial superinfection before systemic therapy",
       _TREAT_INFECTIONS, ("pitfalls-5", "reserve for documented bacterial superinfection")),
    _r("PRE-ECZEMA-HERPETICUM", "pre_systemic", None, "Treat eczema herpeticum before systemic therapy",
       _TREAT_INFECTIONS),
    _r("PRE-ADHERENCE", "pre_systemic", None, "Verify true topical failure versus nonadherence", _ADHERENCE),
    _r("PRE-DOCUMENT-SEVERITY", "pre_systemic", None, "Document severity at multiple time points", _SEVERITY_DOC),
    _r("PRE-PHOTOTHERAPY", "pre_systemic", None, "Consider phototherapy (narrowband UVB) first",
       ("before-systemic-6", "Consider phototherapy (narrowband UVB preferred) as an intermediate step before "
                             "systemic agents, especially in adults and older children, though this can be bypassed "
                             "if impractical or inaccessible"),
       ("algorithm-3", "Consider phototherapy (narrowband UVB) if accessible and practical, particularly in adults")),
    # --- choice of agent -----------------------------------------------------------------------------------------
    _r("CHOICE-FIRST-LINE", "choice", None, "First-line systemic agents",
       ("overview-1", "dupilumab is the first-line systemic agent with the strongest recommendation, followed by JAK "
                      "inhibitors (upadacitinib, abrocitinib, baricitinib) and tralokinumab as preferred options over "
                      "traditional immunosuppressants"),
       ("algorithm-4", "Select first-line systemic agent: Prioritize dupilumab, tralokinumab, or JAK inhibitors "
                       "(upadacitinib, abrocitinib, baricitinib) based on patient preference (injection vs. oral), "
                       "insurance coverage, and comorbidities"),
       _STEROIDS_AGAINST),
    _r("CHOICE-DUPILUMAB", "choice", "dupilumab", "Dupilumab: strongest recommendation",
       ("dupilumab-1", "Dupilumab receives a strong recommendation as the preferred first-line systemic therapy for "
                       "moderate-to-severe atopic dermatitis.")),
    _r("CHOICE-TRALOKINUMAB", "choice", "tralokinumab", "Tralokinumab: strong recommendation",
       ("tralokinumab-1", "Tralokinumab is another IL-13 inhibitor with strong recommendation for moderate-to-severe "
                          "atopic dermatitis.")),
    _r("CHOICE-JAK", "choice", None, "JAK inhibitors: strong recommendations", _JAK_STRONG),
    _r("CHOICE-ORAL-PREFERENCE", "choice", None, "Oral route for patients who decline injections",
       ("jak-4", "Key advantage: Oral administration may be preferred by patients who decline injections"),
       ("algorithm-4", "based on patient preference (injection vs. oral)")),
    _r("CHOICE-SECOND-LINE", "choice", None, "Traditional immunosuppressants: conditional, second line",
       _SECOND_LINE,
       ("algorithm-5", "Reserve traditional immunosuppressants (cyclosporine, methotrexate, azathioprine, "
                       "mycophenolate) for situations where first-line agents are unavailable or contraindicated")),
    _r("CHOICE-CYCLOSPORINE-RAPID", "choice", "cyclosporine", "Cyclosporine for rapid control",
       ("cyclosporine-4", "Clinical context: Historically considered first choice among traditional "
                          "immunosuppressants for rapid control")),
    _r("CHOICE-CORTICOSTEROIDS-AGAINST", "choice", "systemic_corticosteroids",
       "Systemic corticosteroids: conditional recommendation against",
       _STEROIDS_AGAINST, _STEROIDS_RESCUE,
       ("algorithm-6", "Avoid systemic corticosteroids except potentially for very short-term rescue in acute severe "
                       "flares")),
    # --- dosing --------------------------------------------------------------------------------------------------
    _r("DOSE-DUPILUMAB", "dose", "dupilumab", "Dupilumab loading and maintenance dose",
       ("dupilumab-2", "Dosing: 600 mg subcutaneous loading dose, then 300 mg subcutaneous every 2 weeks")),
    _r("DOSE-UPADACITINIB", "dose", "upadacitinib", "Upadacitinib start dose and population", _UPA_DOSING, _UPA_AGE),
    _r("DOSE-UPADACITINIB-ESCALATION", "dose", "upadacitinib", "Upadacitinib 30 mg: only <65 years, not in severe "
       "renal impairment", _UPA_DOSING, _UPA_AGE),
    _r("DOSE-CYCLOSPORINE", "dose", "cyclosporine", "Cyclosporine weight-based dose",
       ("cyclosporine-1", "Typical dosing: 3-5 mg/kg/day orally divided twice daily")),
    _r("DOSE-METHOTREXATE", "dose", "methotrexate", "Methotrexate weekly dose",
       ("methotrexate-1", "Typical dosing: 7.5-25 mg orally once weekly")),
    _r("DOSE-AZATHIOPRINE", "dose", "azathioprine", "Azathioprine weight-based dose",
       ("azathioprine-1", "Typical dosing: 1-3 mg/kg/day orally"),
       ("azathioprine-2", "consider TPMT testing before initiation")),
    _r("DOSE-MYCOPHENOLATE", "dose", "mycophenolate", "Mycophenolate adult and pediatric dose", _MYCO_DOSING),
    _r("DOSE-TRALOKINUMAB", "dose", "tralokinumab", "Tralokinumab: no dose in the guideline",
       ("tralokinumab-1", "Tralokinumab is another IL-13 inhibitor with strong recommendation for moderate-to-severe "
                          "atopic dermatitis.")),
    _r("DOSE-ABROCITINIB", "dose", "abrocitinib", "Abrocitinib: no dose in the guideline", _JAK_STRONG),
    _r("DOSE-BARICITINIB", "dose", "baricitinib", "Baricitinib: no dose in the guideline", _JAK_STRONG),
    _r("DOSE-CORTICOSTEROIDS", "dose", "systemic_corticosteroids", "Systemic corticosteroids: no dose; recommended "
       "against", _STEROIDS_AGAINST, _STEROIDS_RESCUE),
    # --- monitoring ----------------------------------------------------------------------------------------------
    _r("MON-DUPILUMAB", "monitoring", "dupilumab", "Dupilumab: ocular surveillance",
       ("dupilumab-5", "Monitoring: Ocular surveillance required; treat conjunctivitis with preservative-free "
                       "lubricants and topical antihistamine eyedrops")),
    _r("MON-CYCLOSPORINE", "monitoring", "cyclosporine", "Cyclosporine: CBC, CMP, blood pressure",
       ("cyclosporine-2", "Monitoring: Complete blood count, comprehensive metabolic panel (renal function, liver "
                          "function tests), blood pressure at baseline and regularly")),
    _r("MON-METHOTREXATE", "monitoring", "methotrexate", "Methotrexate: CBC, CMP",
       ("methotrexate-2", "Monitoring: CBC, CMP at baseline and regularly")),
    _r("MON-AZATHIOPRINE", "monitoring", "azathioprine", "Azathioprine: CBC, CMP, TPMT before initiation",
       ("azathioprine-2", "Monitoring: CBC, CMP; consider TPMT testing before initiation")),
    _r("MON-MYCOPHENOLATE", "monitoring", "mycophenolate", "Mycophenolate: CBC, CMP",
       ("mycophenolate-2", "Monitoring: CBC, CMP")),
    # --- adverse effects -----------------------------------------------------------------------------------------
    _r("AE-DUPILUMAB", "adverse_effects", "dupilumab", "Dupilumab safety profile",
       ("dupilumab-4", "Safety profile: Favorable with manageable adverse events—injection site reactions, "
                       "conjunctivitis (occurs in ~25% within first 4 months), and oral herpes")),
    _r("AE-CYCLOSPORINE", "adverse_effects", "cyclosporine", "Cyclosporine adverse effects",
       ("cyclosporine-3", "Adverse effects: Nephrotoxicity, hypertension, increased infection risk")),
    _r("AE-METHOTREXATE", "adverse_effects", "methotrexate", "Methotrexate adverse effects",
       ("methotrexate-3", "Adverse effects: Hepatotoxicity, bone marrow suppression, teratogenicity")),
    _r("AE-MYCOPHENOLATE", "adverse_effects", "mycophenolate", "Mycophenolate adverse effects",
       ("mycophenolate-3", "Adverse effects: Gastrointestinal symptoms, teratogenicity")),
    _r("AE-CORTICOSTEROIDS", "adverse_effects", "systemic_corticosteroids", "Systemic corticosteroids: rebound and "
       "long-term adverse effects", _STEROIDS_RESCUE),
    # --- concomitant therapy and response ------------------------------------------------------------------------
    _r("CONCOMITANT-DUPILUMAB", "concomitant", "dupilumab", "Topicals alongside dupilumab",
       ("dupilumab-6", "Concomitant therapy: Can continue topical corticosteroids and calcineurin inhibitors alongside "
                       "dupilumab")),
    _r("RESPONSE-DUPILUMAB", "response", "dupilumab", "Dupilumab response at 16 weeks",
       ("dupilumab-3", "Efficacy timeline: Expect response by 16 weeks using EASI and IGA scores; benefits maintained "
                       "long-term")),
    # --- pitfalls ------------------------------------------------------------------------------------------------
    _r("PITFALL-TOPICALS-FIRST", "pitfall", None, "Optimize topical regimens first",
       ("pitfalls-1", "Do not start systemic therapy without optimizing topical regimens first—this includes adequate "
                      "patient education about proper application technique, frequency, and addressing "
                      "corticosteroid phobia")),
    _r("PITFALL-CONTACT-DERMATITIS", "pitfall", None, "Do not overlook contact dermatitis",
       ("pitfalls-2", "Do not overlook contact dermatitis—patch testing is essential in refractory cases, as allergens "
                      "in emollients and topical medications (preservatives, fragrances) frequently perpetuate "
                      "disease")),
    _r("PITFALL-QUALITY-OF-LIFE", "pitfall", None, "Do not ignore quality of life",
       ("pitfalls-3", "Do not ignore quality of life assessment—severity scores alone (SCORAD, EASI) are insufficient"),
       _HIGH_IMPACT),
    _r("PITFALL-ANTIHISTAMINES", "pitfall", None, "No oral antihistamines for itch",
       ("pitfalls-4", "Do not prescribe oral antihistamines for itch control—they have limited efficacy (42% response "
                      "rate) and work primarily through sedation, not antipruritic mechanisms")),
    _r("PITFALL-ANTIBIOTICS", "pitfall", None, "No prophylactic systemic antibiotics",
       ("pitfalls-5", "Do not use systemic antibiotics prophylactically—they are ineffective for preventing flares and "
                      "do not reduce S. aureus colonization; reserve for documented bacterial superinfection")),
    # --- overview ------------------------------------------------------------------------------------------------
    _r("OVERVIEW", "overview", None, "Overview of the guideline's recommendations",
       ("overview-1", "For patients with moderate-to-severe atopic dermatitis who have failed optimized topical "
                      "therapies, dupilumab is the first-line systemic agent with the strongest recommendation, "
                      "followed by JAK inhibitors (upadacitinib, abrocitinib, baricitinib) and tralokinumab as "
                      "preferred options over traditional immunosuppressants."),
       _STEROIDS_AGAINST),
    _r("SAFETY-PREGNANCY", "adverse_effects", None, "Pregnancy: the guideline says nothing on the agent's safety "
       "(not covered); decisions cite the agent's own recommendation passage",
       ("overview-1", "dupilumab is the first-line systemic agent with the strongest recommendation")),
    _r("INFO-NOT-STATED", "overview", None, "The guideline says nothing on this for this agent (not covered); "
       "decisions cite the agent's own recommendation passage",
       ("overview-1", "dupilumab is the first-line systemic agent with the strongest recommendation")),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}
if len(RULES) != len(_RULE_LIST):  # pragma: no cover - guards against a copy-paste id
    raise RuntimeError("duplicate rule id in core.catalog")
