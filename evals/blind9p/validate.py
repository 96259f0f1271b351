#!/usr/bin/env python3
"""Validate the 9p adguide blind evaluation suite against CONTRACT.md's case format and guideline.txt.

Usage: python3 validate.py [suite_dir]
guideline.txt is looked up beside this script, then in its parent directory.
Requires PyYAML only.
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else HERE
PREFIX = "9p-"

CATEGORIES = ["population", "renal_age", "infection", "topical_trial", "pregnancy",
              "corticosteroids", "pitfalls", "doses", "conversation", "refusal_scope"]

STATUS = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICT = {"dont", "cant_say", "go", "info"}
SEVERITY = {"block", "caution", "info"}
OUTCOME = {"decided", "not_covered", "needs_info"}
KINDS = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
         "concomitant", "response", "pitfalls", "overview"}
DRUGS = {"dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib", "cyclosporine",
         "methotrexate", "azathioprine", "mycophenolate", "systemic_corticosteroids"}
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug",
           "question", "pregnancy_or_planning"}

# rule id -> kind, as listed in CONTRACT.md. The contract labels PITFALL-* rules "(pitfall)" while the
# topic list says "pitfalls"; the two spellings are treated as the same kind.
RULES = {
    "ELIG-SYSTEMIC": "eligibility",
    "PRE-CHECKLIST": "pre_systemic", "PRE-CONTACT-DERMATITIS": "pre_systemic",
    "PRE-LYMPHOMA": "pre_systemic", "PRE-BACTERIAL-INFECTION": "pre_systemic",
    "PRE-ECZEMA-HERPETICUM": "pre_systemic", "PRE-ADHERENCE": "pre_systemic",
    "PRE-DOCUMENT-SEVERITY": "pre_systemic", "PRE-PHOTOTHERAPY": "pre_systemic",
    "CHOICE-FIRST-LINE": "choice", "CHOICE-DUPILUMAB": "choice", "CHOICE-TRALOKINUMAB": "choice",
    "CHOICE-JAK": "choice", "CHOICE-ORAL-PREFERENCE": "choice", "CHOICE-SECOND-LINE": "choice",
    "CHOICE-CYCLOSPORINE-RAPID": "choice", "CHOICE-CORTICOSTEROIDS-AGAINST": "choice",
    "DOSE-DUPILUMAB": "dose", "DOSE-UPADACITINIB": "dose", "DOSE-UPADACITINIB-ESCALATION": "dose",
    "DOSE-CYCLOSPORINE": "dose", "DOSE-METHOTREXATE": "dose", "DOSE-AZATHIOPRINE": "dose",
    "DOSE-MYCOPHENOLATE": "dose", "DOSE-TRALOKINUMAB": "dose", "DOSE-ABROCITINIB": "dose",
    "DOSE-BARICITINIB": "dose", "DOSE-CORTICOSTEROIDS": "dose",
    "MON-DUPILUMAB": "monitoring", "MON-CYCLOSPORINE": "monitoring", "MON-METHOTREXATE": "monitoring",
    "MON-AZATHIOPRINE": "monitoring", "MON-MYCOPHENOLATE": "monitoring",
    "AE-DUPILUMAB": "adverse_effects", "AE-CYCLOSPORINE": "adverse_effects",
    "AE-METHOTREXATE": "adverse_effects", "AE-MYCOPHENOLATE": "adverse_effects",
    "AE-CORTICOSTEROIDS": "adverse_effects",
    "CONCOMITANT-DUPILUMAB": "concomitant", "RESPONSE-DUPILUMAB": "response",
    "PITFALL-TOPICALS-FIRST": "pitfalls", "PITFALL-CONTACT-DERMATITIS": "pitfalls",
    "PITFALL-QUALITY-OF-LIFE": "pitfalls", "PITFALL-ANTIHISTAMINES": "pitfalls",
    "PITFALL-ANTIBIOTICS": "pitfalls",
    "OVERVIEW": "overview", "SAFETY-PREGNANCY": "adverse_effects", "INFO-NOT-STATED": "overview",
}

# fact name -> type spec: ("num",) float|None ; ("int",) ; ("bool",) ; ("str",) ;
# ("enum", set) ; ("tuple", set-or-None)
DRUG_ENUM = ("enum", DRUGS)
FACTS = {
    "age_years": ("num",), "age_at_least_years": ("num",), "age_below_years": ("num",),
    "age_group": ("enum", {"adult", "child"}),
    "weight_kg": ("num",), "weight_lb": ("num",), "egfr": ("num",), "ckd_stage": ("int",),
    "severe_renal_impairment": ("bool",), "bsa_percent": ("num",), "iga": ("int",),
    "pruritus_nrs": ("num",), "qol_impaired": ("bool",),
    "high_impact_areas": ("tuple", {"hands", "face", "eyelids"}),
    "sleep_disruption": ("bool",), "psychosocial_impact": ("bool",),
    "topical_trial_days": ("int",),
    "topical_potency": ("enum", {"low", "medium", "high", "super_high"}),
    "topical_steroid": ("str",), "severity_timepoints": ("int",), "adherent": ("bool",),
    "steroid_phobia": ("bool",), "contact_dermatitis_excluded": ("bool",), "refractory": ("bool",),
    "lymphoma_excluded": ("bool",), "bacterial_superinfection": ("bool",),
    "eczema_herpeticum": ("bool",), "infection_signs": ("tuple", None),
    "infection_treated": ("bool",), "phototherapy_considered": ("bool",),
    "phototherapy_accessible": ("bool",),
    "route_preference": ("enum", {"oral", "injection"}),
    "first_line_barriers": ("tuple", {"unavailable", "unaffordable", "contraindicated"}),
    "pregnancy_or_planning": ("bool",), "pregnancy_possible": ("bool",),
    "current_drug": DRUG_ENUM, "current_dose_mg": ("num",), "inadequate_response": ("bool",),
    "weeks_on_treatment": ("num",), "acute_severe_flare": ("bool",),
    "sex": ("enum", {"female", "male"}),
}
# enum-typed facts that the contract marks as nullable
NULLABLE_ENUM = {"sex"}

CASE_KEYS = {"id": str, "category": str, "question": str, "messages": list, "critical": bool,
             "notes": str, "tags": list, "expect": dict}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites", "answer_contains",
               "answer_excludes", "missing", "facts", "no_decisions"}
DECISION_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_NUM_KEYS = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
                 "per_dose_high_mg", "tolerance"}
DOSE_STR_KEYS = {"phase", "route", "frequency", "unit"}

NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def find_guideline():
    for d in (HERE, os.path.dirname(HERE), SUITE, os.path.dirname(SUITE)):
        p = os.path.join(d, "guideline.txt")
        if os.path.isfile(p):
            return p
    return None


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Checker:
    def __init__(self, guideline):
        self.g = guideline
        self.gnums_str = set(NUM_RE.findall(guideline))
        self.gnums_val = {float(x) for x in self.gnums_str}
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def num_in_guideline(self, s):
        return s in self.gnums_str or float(s) in self.gnums_val

    # ---- decisions -------------------------------------------------------------------------
    def check_decision(self, where, d, required):
        if not isinstance(d, dict):
            self.err(where, f"decision must be a mapping, got {type(d).__name__}")
            return
        if not d:
            self.err(where, "empty decision matcher")
        for k, v in d.items():
            if k not in DECISION_KEYS:
                self.err(where, f"unknown decision key {k!r}")
                continue
            if k == "rule_id":
                if v not in RULES:
                    self.err(where, f"unknown rule_id {v!r}")
            elif k == "drug":
                if v is not None and v not in DRUGS:
                    self.err(where, f"unknown drug {v!r}")
            elif k == "severity":
                if v not in SEVERITY:
                    self.err(where, f"bad severity {v!r}")
            elif k == "kind":
                if v not in KINDS and v != "pitfall":
                    self.err(where, f"bad kind {v!r}")
            elif k == "outcome":
                if v not in OUTCOME:
                    self.err(where, f"bad outcome {v!r}")
            elif k in ("primary", "no_doses"):
                if not isinstance(v, bool):
                    self.err(where, f"{k} must be a bool")
            elif k == "doses":
                if not isinstance(v, list) or not v:
                    self.err(where, "doses must be a non-empty list")
                else:
                    for i, dose in enumerate(v):
                        self.check_dose(f"{where}.doses[{i}]", dose)
        if "rule_id" in d and "kind" in d and d["rule_id"] in RULES:
            kind = "pitfalls" if d["kind"] == "pitfall" else d["kind"]
            if RULES[d["rule_id"]] != kind:
                self.err(where, f"rule_id {d['rule_id']} is kind {RULES[d['rule_id']]}, not {d['kind']}")
        if d.get("no_doses") is True and "doses" in d:
            self.err(where, "no_doses: true together with doses")

    def check_dose(self, where, dose):
        if not isinstance(dose, dict) or not dose:
            self.err(where, "dose must be a non-empty mapping")
            return
        for k, v in dose.items():
            if k in DOSE_NUM_KEYS:
                if not is_num(v):
                    self.err(where, f"{k} must be a number")
                elif k == "tolerance" and v <= 0:
                    self.err(where, "tolerance must be > 0")
            elif k in DOSE_STR_KEYS:
                if not isinstance(v, str):
                    self.err(where, f"{k} must be a string")
                elif k == "unit" and v not in UNITS:
                    self.err(where, f"bad unit {v!r}")
                elif k == "frequency" and v not in self.g:
                    self.err(where, f"frequency not an exact substring of the guideline: {v!r}")
            else:
                self.err(where, f"unknown dose key {k!r}")
        # fixed amounts (not patient-computed) must be numbers the guideline gives
        for k in ("low", "high"):
            if is_num(dose.get(k)) and float(dose[k]) not in self.gnums_val:
                self.err(where, f"dose {k}={dose[k]} does not occur in the guideline")
        if is_num(dose.get("low")) and is_num(dose.get("high")) and dose["low"] > dose["high"]:
            self.err(where, "low > high")
        for a, b in (("patient_low_mg", "patient_high_mg"), ("per_dose_low_mg", "per_dose_high_mg")):
            if is_num(dose.get(a)) and is_num(dose.get(b)) and dose[a] > dose[b]:
                self.err(where, f"{a} > {b}")

    # ---- facts -----------------------------------------------------------------------------
    def check_facts(self, where, facts):
        if not isinstance(facts, dict):
            self.err(where, "facts must be a mapping")
            return
        for k, v in facts.items():
            spec = FACTS.get(k)
            if spec is None:
                self.err(where, f"unknown fact {k!r}")
                continue
            t = spec[0]
            if v is None:
                if t == "enum" and k not in NULLABLE_ENUM:
                    self.err(where, f"fact {k} may not be null")
                continue
            if t == "num" and not is_num(v):
                self.err(where, f"fact {k} must be a number")
            elif t == "int" and not (isinstance(v, int) and not isinstance(v, bool)):
                self.err(where, f"fact {k} must be an integer")
            elif t == "bool" and not isinstance(v, bool):
                self.err(where, f"fact {k} must be a bool")
            elif t == "str" and not isinstance(v, str):
                self.err(where, f"fact {k} must be a string")
            elif t == "enum" and v not in spec[1]:
                self.err(where, f"fact {k}={v!r} not one of {sorted(spec[1])}")
            elif t == "tuple":
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    self.err(where, f"fact {k} must be a list of strings")
                elif spec[1] is not None:
                    bad = [x for x in v if x not in spec[1]]
                    if bad:
                        self.err(where, f"fact {k} has values {bad} not in {sorted(spec[1])}")

    # ---- expect ----------------------------------------------------------------------------
    def check_expect(self, where, ex):
        if not isinstance(ex, dict):
            self.err(where, "expect must be a mapping")
            return
        for k in ex:
            if k not in EXPECT_KEYS:
                self.err(where, f"unknown expect key {k!r}")
        st, vd = ex.get("status"), ex.get("verdict")
        if st is not None and st not in STATUS:
            self.err(where, f"bad status {st!r}")
        if vd is not None and vd not in VERDICT:
            self.err(where, f"bad verdict {vd!r}")
        for key in ("decisions", "decisions_absent"):
            if key in ex:
                if not isinstance(ex[key], list):
                    self.err(where, f"{key} must be a list")
                else:
                    for i, d in enumerate(ex[key]):
                        self.check_decision(f"{where}.{key}[{i}]", d, key == "decisions")
        for key in ("cites", "answer_contains", "answer_excludes"):
            if key in ex:
                v = ex[key]
                if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                    self.err(where, f"{key} must be a list of non-empty strings")
        for c in ex.get("cites") or []:
            if isinstance(c, str) and c not in self.g:
                self.err(where, f"cite not an exact substring of the guideline: {c!r}")
        for a in ex.get("answer_contains") or []:
            if not isinstance(a, str):
                continue
            for alt in a.split("||"):
                for n in NUM_RE.findall(alt):
                    if not self.num_in_guideline(n):
                        self.err(where, f"number {n} in answer_contains {a!r} does not occur in the guideline")
        if "missing" in ex:
            m = ex["missing"]
            if not isinstance(m, list):
                self.err(where, "missing must be a list")
            else:
                for x in m:
                    if x not in MISSING:
                        self.err(where, f"unknown missing-fact name {x!r}")
        if "facts" in ex:
            self.check_facts(f"{where}.facts", ex["facts"])
        if "no_decisions" in ex and not isinstance(ex["no_decisions"], bool):
            self.err(where, "no_decisions must be a bool")

        # consistency
        decs = [d for d in (ex.get("decisions") or []) if isinstance(d, dict)]
        absent = [d for d in (ex.get("decisions_absent") or []) if isinstance(d, dict)]
        has_block = any(d.get("severity") == "block" for d in decs)
        if has_block and vd is not None and vd != "dont":
            self.err(where, f"a required block decision needs verdict dont, not {vd}")
        if vd == "dont" and not has_block:
            self.err(where, "verdict dont without any required block decision")
        if has_block and any(a == {"severity": "block"} for a in absent):
            self.err(where, "requires a block but forbids every block")
        for d in decs:
            if d in absent:
                self.err(where, f"same matcher both required and absent: {d}")
        if vd == "cant_say" and st is not None and st not in ("needs_info", "not_covered"):
            self.err(where, f"verdict cant_say needs status needs_info/not_covered, not {st}")
        if st in ("needs_info", "not_covered") and vd in ("go", "info"):
            self.err(where, f"status {st} cannot have verdict {vd}")
        if st == "needs_info" and not ex.get("missing"):
            self.err(where, "status needs_info without any missing fact")
        if st == "answered" and vd == "cant_say":
            self.err(where, "status answered with verdict cant_say")
        if ex.get("no_decisions") is True and decs:
            self.err(where, "no_decisions: true but decisions required")
        if st == "out_of_scope" and ex.get("no_decisions") is not True:
            self.err(where, "out_of_scope cases should set no_decisions: true")

    # ---- case ------------------------------------------------------------------------------
    def check_case(self, fname, category, idx, case, seen):
        where = f"{fname}[{idx}]"
        if not isinstance(case, dict):
            self.err(where, "case must be a mapping")
            return None
        cid = case.get("id")
        if isinstance(cid, str):
            where = f"{fname}:{cid}"
        for k, v in case.items():
            if k not in CASE_KEYS:
                self.err(where, f"unknown case key {k!r}")
            elif not isinstance(v, CASE_KEYS[k]):
                self.err(where, f"{k} must be {CASE_KEYS[k].__name__}")
        for k in ("id", "category", "critical", "expect"):
            if k not in case:
                self.err(where, f"missing required key {k!r}")
        if isinstance(cid, str):
            if not cid.startswith(PREFIX):
                self.err(where, f"id does not start with {PREFIX}")
            if cid in seen:
                self.err(where, f"duplicate id (also in {seen[cid]})")
            seen[cid] = fname
        if case.get("category") != category:
            self.err(where, f"category {case.get('category')!r} != file name {category!r}")
        has_q, has_m = "question" in case, "messages" in case
        if has_q == has_m:
            self.err(where, "exactly one of question / messages is required")
        if has_q and isinstance(case["question"], str) and not case["question"].strip():
            self.err(where, "empty question")
        tags = case.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.err(where, "tags must be a list of strings")
            tags = []
        if has_m and isinstance(case["messages"], list):
            msgs = case["messages"]
            if len(msgs) < 2:
                self.err(where, "messages needs at least 2 turns")
            for i, m in enumerate(msgs):
                if isinstance(m, str):
                    if not m.strip():
                        self.err(where, f"messages[{i}] empty")
                elif isinstance(m, dict):
                    for k in m:
                        if k not in ("say", "expect"):
                            self.err(where, f"messages[{i}] unknown key {k!r}")
                    if not isinstance(m.get("say"), str) or not m["say"].strip():
                        self.err(where, f"messages[{i}] needs a non-empty 'say' string")
                    if "expect" in m:
                        self.check_expect(f"{where}.messages[{i}].expect", m["expect"])
                else:
                    self.err(where, f"messages[{i}] must be a string or {{say, expect}}")
        if ("multi-turn" in tags) != has_m:
            self.err(where, "tag 'multi-turn' must be present exactly when messages is used")
        is_control = "control" in tags
        if is_control and case.get("critical") is not False:
            self.err(where, "control cases must be critical: false")
        if "expect" in case:
            self.check_expect(f"{where}.expect", case["expect"])
        return {"critical": case.get("critical") is True, "multi": has_m, "control": is_control}


def main():
    gpath = find_guideline()
    if not gpath:
        print("ERROR: guideline.txt not found beside validate.py or in its parent directory")
        return 2
    with open(gpath, encoding="utf-8") as f:
        guideline = f.read()
    ck = Checker(guideline)
    seen = {}
    table = {}
    files = sorted(f for f in os.listdir(SUITE) if f.endswith((".yaml", ".yml")))
    if not files:
        ck.err(SUITE, "no YAML files")
    for fname in files:
        category = os.path.splitext(fname)[0]
        if category not in CATEGORIES:
            ck.err(fname, f"unexpected category file (expected one of {CATEGORIES})")
        try:
            with open(os.path.join(SUITE, fname), encoding="utf-8") as f:
                data = yaml.safe_load(f)
        except yaml.YAMLError as e:
            ck.err(fname, f"YAML parse error: {e}")
            continue
        if not isinstance(data, list) or not data:
            ck.err(fname, "file must contain a non-empty list of cases")
            continue
        row = table.setdefault(category, [0, 0, 0, 0])
        for i, case in enumerate(data):
            r = ck.check_case(fname, category, i, case, seen)
            if r is None:
                continue
            row[0] += 1
            row[1] += r["critical"]
            row[2] += r["multi"]
            row[3] += r["control"]
    for c in CATEGORIES:
        if c not in table:
            ck.err(SUITE, f"missing category file {c}.yaml")

    hdr = f"{'category':<16}{'cases':>7}{'critical':>10}{'multi-turn':>12}{'controls':>10}"
    print(hdr)
    print("-" * len(hdr))
    tot = [0, 0, 0, 0]
    order = [c for c in CATEGORIES if c in table] + sorted(c for c in table if c not in CATEGORIES)
    for c in order:
        r = table[c]
        tot = [a + b for a, b in zip(tot, r)]
        print(f"{c:<16}{r[0]:>7}{r[1]:>10}{r[2]:>12}{r[3]:>10}")
    print("-" * len(hdr))
    print(f"{'total':<16}{tot[0]:>7}{tot[1]:>10}{tot[2]:>12}{tot[3]:>10}")
    print()
    if ck.errors:
        print(f"{len(ck.errors)} error(s):")
        for e in ck.errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
