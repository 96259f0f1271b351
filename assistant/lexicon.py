"""Domain vocabulary: brand names, abbreviations and synonyms, mapped to the guideline's words.

Shared by the question extractor and the retrieval embedding so both understand
"Rinvoq", "CsA" or "NB-UVB" the same way. Keys are lower case.
"""

from __future__ import annotations

from core import Drug

__all__ = ["AGE_DECADES", "DECADE_PARTS", "DRUG_ALIASES", "OTHER_AGENTS", "TERM_SYNONYMS"]

DRUG_ALIASES: dict[str, Drug] = {
    # dupilumab
    "dupilumab": "dupilumab", "dupixent": "dupilumab", "dupi": "dupilumab", "dupil": "dupilumab",
    # tralokinumab
    "tralokinumab": "tralokinumab", "adbry": "tralokinumab", "adtralza": "tralokinumab", "tralo": "tralokinumab",
    # upadacitinib
    "upadacitinib": "upadacitinib", "rinvoq": "upadacitinib", "upa": "upadacitinib", "upadacitnib": "upadacitinib",
    # abrocitinib
    "abrocitinib": "abrocitinib", "cibinqo": "abrocitinib", "abro": "abrocitinib",
    # baricitinib
    "baricitinib": "baricitinib", "olumiant": "baricitinib", "bari": "baricitinib",
    # cyclosporine
    "cyclosporine": "cyclosporine", "ciclosporin": "cyclosporine", "cyclosporin": "cyclosporine",
    "ciclosporine": "cyclosporine", "csa": "cyclosporine", "neoral": "cyclosporine",
    "sandimmune": "cyclosporine", "gengraf": "cyclosporine",
    # methotrexate
    "methotrexate": "methotrexate", "mtx": "methotrexate", "trexall": "methotrexate", "otrexup": "methotrexate",
    "rasuvo": "methotrexate", "xatmep": "methotrexate", "metoject": "methotrexate",
    # azathioprine
    "azathioprine": "azathioprine", "aza": "azathioprine", "imuran": "azathioprine", "azasan": "azathioprine",
    # mycophenolate
    "mycophenolate": "mycophenolate", "mycophenolate mofetil": "mycophenolate", "mmf": "mycophenolate",
    "cellcept": "mycophenolate", "myfortic": "mycophenolate", "mycophenolic acid": "mycophenolate",
    # systemic corticosteroids
    "prednisone": "systemic_corticosteroids", "prednisolone": "systemic_corticosteroids",
    "methylprednisolone": "systemic_corticosteroids", "medrol": "systemic_corticosteroids",
    "systemic corticosteroids": "systemic_corticosteroids", "systemic steroids": "systemic_corticosteroids",
    "oral steroids": "systemic_corticosteroids", "oral corticosteroids": "systemic_corticosteroids",
    "pred burst": "systemic_corticosteroids", "steroid burst": "systemic_corticosteroids",
    "pred": "systemic_corticosteroids", "deltasone": "systemic_corticosteroids",
    "dexamethasone": "systemic_corticosteroids", "oral prednisone": "systemic_corticosteroids",
    "systemic corticosteroid": "systemic_corticosteroids", "systemic steroid": "systemic_corticosteroids",
    "oral steroid": "systemic_corticosteroids", "steroid pills": "systemic_corticosteroids",
    # regimens named by their shape: a taper, a burst, a dose pack, a shot are systemic courses
    "steroid taper": "systemic_corticosteroids", "steroid tapers": "systemic_corticosteroids",
    "prednisone taper": "systemic_corticosteroids", "pred taper": "systemic_corticosteroids",
    "steroid dose pack": "systemic_corticosteroids", "steroid dosepak": "systemic_corticosteroids",
    "dose pack": "systemic_corticosteroids", "dosepak": "systemic_corticosteroids",
    "steroid course": "systemic_corticosteroids",
    "course of steroids": "systemic_corticosteroids", "course of oral steroids": "systemic_corticosteroids",
    "hydrocortisone tablets": "systemic_corticosteroids",
    # injected / parenteral corticosteroids are systemic too (Kenalog cream is excluded by the extractor)
    "kenalog": "systemic_corticosteroids", "depo medrol": "systemic_corticosteroids",
    "depomedrol": "systemic_corticosteroids", "solu medrol": "systemic_corticosteroids",
    "solumedrol": "systemic_corticosteroids", "celestone": "systemic_corticosteroids",
    "decadron": "systemic_corticosteroids", "dexamethasone injection": "systemic_corticosteroids",
    "triamcinolone im": "systemic_corticosteroids", "im triamcinolone": "systemic_corticosteroids",
    "triamcinolone injection": "systemic_corticosteroids", "triamcinolone shot": "systemic_corticosteroids",
    "intramuscular triamcinolone": "systemic_corticosteroids", "triamcinolone acetonide injection":
    "systemic_corticosteroids", "steroid shot": "systemic_corticosteroids", "steroid shots": "systemic_corticosteroids",
    "steroid injection": "systemic_corticosteroids", "steroid injections": "systemic_corticosteroids",
    "im steroid": "systemic_corticosteroids", "im steroids": "systemic_corticosteroids",
    "intramuscular steroid": "systemic_corticosteroids", "intramuscular steroids": "systemic_corticosteroids",
    "cortisone shot": "systemic_corticosteroids", "cortisone injection": "systemic_corticosteroids",
    "iv steroids": "systemic_corticosteroids", "medrol dosepak": "systemic_corticosteroids",
    "medrol dose pack": "systemic_corticosteroids",
    # common variant spellings not caught by the extractor's tight fuzzy match
    "ciclosporin a": "cyclosporine", "cyclosporine a": "cyclosporine", "mycophenolate sodium": "mycophenolate",
}

# Words clinicians use -> the words the guideline uses (for matching and retrieval).
TERM_SYNONYMS: dict[str, str] = {
    "nb-uvb": "narrowband UVB phototherapy", "nbuvb": "narrowband UVB phototherapy",
    "uvb": "narrowband UVB phototherapy", "light therapy": "phototherapy",
    "tcs": "topical corticosteroids", "topical steroids": "topical corticosteroids",
    "tci": "calcineurin inhibitors", "tacrolimus": "calcineurin inhibitors", "pimecrolimus": "calcineurin inhibitors",
    "protopic": "calcineurin inhibitors", "elidel": "calcineurin inhibitors",
    "jaki": "JAK inhibitors", "jak": "JAK inhibitors", "jakinib": "JAK inhibitors",
    "cbc": "complete blood count", "cmp": "comprehensive metabolic panel", "lfts": "liver function tests",
    "bp": "blood pressure", "tpmt": "TPMT testing", "thiopurine methyltransferase": "TPMT testing",
    "lipid panel": "lipids", "aes": "adverse effects", "gi upset": "gastrointestinal",
    "red eyes": "conjunctivitis", "itchy eyes": "conjunctivitis", "eye drops": "conjunctivitis",
    "pink eye": "conjunctivitis", "eye problems": "conjunctivitis ocular",
    "cold sores": "oral herpes", "herpes": "eczema herpeticum",
    "staph": "bacterial superinfection S. aureus", "impetiginized": "bacterial superinfection",
    "itch": "pruritus itch", "itching": "pruritus itch", "itchy": "pruritus itch",
    "antihistamine": "oral antihistamines", "antihistamines": "oral antihistamines",
    "benadryl": "oral antihistamines", "cetirizine": "oral antihistamines", "hydroxyzine": "oral antihistamines",
    "patch test": "patch testing contact dermatitis", "patch tests": "patch testing contact dermatitis",
    "qol": "quality of life", "dlqi": "quality of life",
    "ctcl": "cutaneous lymphoma", "mycosis fungoides": "cutaneous lymphoma",
    "pregnant": "teratogenicity", "pregnancy": "teratogenicity",
    "kidney": "renal", "ckd": "renal impairment", "egfr": "renal function",
    "labs": "monitoring", "bloodwork": "monitoring complete blood count", "blood work": "monitoring",
    "refuse": "decline", "refuses": "decline", "side effects": "adverse effects adverse events",
    "side effect": "adverse effects adverse events",
    "safe": "safety", "how fast": "efficacy timeline response", "onset": "efficacy timeline response",
    "shot": "injection", "shots": "injection", "injectable": "injection", "needles": "injection",
    "pill": "oral", "pills": "oral", "tablet": "oral",
}

# Systemic agents the guideline does not cover for atopic dermatitis (psoriasis biologics, acne, RA, …).
# Named without any AD context they mark a question as out of scope; never mapped to a Drug.
OTHER_AGENTS: frozenset[str] = frozenset({
    "isotretinoin", "accutane", "absorica", "claravis", "adalimumab", "humira", "etanercept", "enbrel",
    "infliximab", "remicade", "ustekinumab", "stelara", "secukinumab", "cosentyx", "ixekizumab", "taltz",
    "guselkumab", "tremfya", "risankizumab", "skyrizi", "tildrakizumab", "ilumya", "brodalumab", "siliq",
    "bimekizumab", "bimzelx", "apremilast", "otezla", "deucravacitinib", "sotyktu", "acitretin", "soriatane",
    "tofacitinib", "xeljanz", "omalizumab", "xolair", "mepolizumab", "nucala", "benralizumab", "spironolactone",
    "doxycycline", "minocycline", "amoxicillin", "metformin", "insulin", "ibuprofen", "acetaminophen",
    "paracetamol", "hydroxychloroquine", "plaquenil", "rituximab",
})

AGE_DECADES: dict[str, int] = {
    "teens": 13, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
    "eighties": 80, "nineties": 90,
}
"""'in her seventies' → at least 70 years (a lower bound, never an exact age)."""

DECADE_PARTS: dict[str, int] = {"early": 0, "mid": 3, "late": 6}
"""How far into a decade 'early', 'mid' and 'late' put the lower bound ('late 60s' → at least 66)."""
