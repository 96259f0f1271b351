#!/usr/bin/env python3
"""Check every case in suite/*.yaml against the adguide answer contract (CONTRACT.md).

Checks keys, allowed values, rule ids, drugs, fact names and types, dose keys and units,
cites as exact substrings of guideline.txt, unique ids, category = file name, and a few
consistency rules stated by the contract (a block means verdict `dont`; controls are not
critical). Prints "OK: N cases in M files" or the list of problems (exit code 1).

Usage: python3 validate.py [suite_dir]
"""
import os
import sys
import glob
import re

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "suite")
GUIDELINE = os.path.join(HERE, "guideline.txt")
ID_PREFIX = "b9k-"

CASE_KEYS = {"id", "category", "question", "messages", "critical", "notes", "tags", "expect"}
REQUIRED_KEYS = {"id", "category", "critical", "expect", "notes", "tags"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites",
               "answer_contains", "answer_excludes", "missing", "facts", "no_decisions"}
STATUSES = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICTS = {"dont", "cant_say", "go", "info"}
TOPICS = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
          "concomitant", "response", "pitfalls", "overview"}
DRUGS = {"dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib",
         "cyclosporine", "methotrexate", "azathioprine", "mycophenolate",
         "systemic_corticosteroids"}
SEVERITIES = {"block", "caution", "info"}
OUTCOMES = {"decided", "not_covered", "needs_info"}
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug",
           "question", "pregnancy_or_planning"}
DECISION_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_KEYS = {"phase", "low", "high", "unit", "route", "frequency", "patient_low_mg",
             "patient_high_mg", "per_dose_low_mg", "per_dose_high_mg", "tolerance"}
DOSE_NUM_KEYS = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
                 "per_dose_high_mg", "tolerance"}
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}

# rule id -> kind, exactly as CONTRACT.md lists them. The contract writes "(pitfall)" for the
# PITFALL-* rules while the topic list says "pitfalls"; both spellings are accepted for them.
RULES = {
    "ELIG-SYSTEMIC": "eligibility",
    "PRE-CHECKLIST": "pre_systemic",
    "PRE-CONTACT-DERMATITIS": "pre_systemic",
    "PRE-LYMPHOMA": "pre_systemic",
    "PRE-BACTERIAL-INFECTION": "pre_systemic",
    "PRE-ECZEMA-HERPETICUM": "pre_systemic",
    "PRE-ADHERENCE": "pre_systemic",
    "PRE-DOCUMENT-SEVERITY": "pre_systemic",
    "PRE-PHOTOTHERAPY": "pre_systemic",
    "CHOICE-FIRST-LINE": "choice",
    "CHOICE-DUPILUMAB": "choice",
    "CHOICE-TRALOKINUMAB": "choice",
    "CHOICE-JAK": "choice",
    "CHOICE-ORAL-PREFERENCE": "choice",
    "CHOICE-SECOND-LINE": "choice",
    "CHOICE-CYCLOSPORINE-RAPID": "choice",
    "CHOICE-CORTICOSTEROIDS-AGAINST": "choice",
    "DOSE-DUPILUMAB": "dose",
    "DOSE-UPADACITINIB": "dose",
    "DOSE-UPADACITINIB-ESCALATION": "dose",
    "DOSE-CYCLOSPORINE": "dose",
    "DOSE-METHOTREXATE": "dose",
    "DOSE-AZATHIOPRINE": "dose",
    "DOSE-MYCOPHENOLATE": "dose",
    "DOSE-TRALOKINUMAB": "dose",
    "DOSE-ABROCITINIB": "dose",
    "DOSE-BARICITINIB": "dose",
    "DOSE-CORTICOSTEROIDS": "dose",
    "MON-DUPILUMAB": "monitoring",
    "MON-CYCLOSPORINE": "monitoring",
    "MON-METHOTREXATE": "monitoring",
    "MON-AZATHIOPRINE": "monitoring",
    "MON-MYCOPHENOLATE": "monitoring",
    "AE-DUPILUMAB": "adverse_effects",
    "AE-CYCLOSPORINE": "adverse_effects",
    "AE-METHOTREXATE": "adverse_effects",
    "AE-MYCOPHENOLATE": "adverse_effects",
    "AE-CORTICOSTEROIDS": "adverse_effects",
    "CONCOMITANT-DUPILUMAB": "concomitant",
    "RESPONSE-DUPILUMAB": "response",
    "PITFALL-TOPICALS-FIRST": "pitfall",
    "PITFALL-CONTACT-DERMATITIS": "pitfall",
    "PITFALL-QUALITY-OF-LIFE": "pitfall",
    "PITFALL-ANTIHISTAMINES": "pitfall",
    "PITFALL-ANTIBIOTICS": "pitfall",
    "OVERVIEW": "overview",
    "SAFETY-PREGNANCY": "adverse_effects",
    "INFO-NOT-STATED": "overview",
}

HIGH_IMPACT = {"hands", "face", "eyelids"}
BARRIERS = {"unavailable", "unaffordable", "contraindicated"}
FLOAT, INT, BOOL, STR = "float", "int", "bool", "str"
FACTS = {
    "age_years": FLOAT, "age_at_least_years": FLOAT, "age_below_years": FLOAT,
    "age_group": {"adult", "child"},
    "weight_kg": FLOAT, "weight_lb": FLOAT, "egfr": FLOAT, "ckd_stage": INT,
    "severe_renal_impairment": BOOL, "bsa_percent": FLOAT, "iga": INT, "pruritus_nrs": FLOAT,
    "qol_impaired": BOOL, "high_impact_areas": ("tuple", HIGH_IMPACT),
    "sleep_disruption": BOOL, "psychosocial_impact": BOOL, "topical_trial_days": INT,
    "topical_potency": {"low", "medium", "high", "super_high"}, "topical_steroid": STR,
    "severity_timepoints": INT, "adherent": BOOL, "steroid_phobia": BOOL,
    "contact_dermatitis_excluded": BOOL, "refractory": BOOL, "lymphoma_excluded": BOOL,
    "bacterial_superinfection": BOOL, "eczema_herpeticum": BOOL,
    "infection_signs": ("tuple", None), "infection_treated": BOOL,
    "phototherapy_considered": BOOL, "phototherapy_accessible": BOOL,
    "route_preference": {"oral", "injection"},
    "first_line_barriers": ("tuple", BARRIERS),
    "pregnancy_or_planning": BOOL, "pregnancy_possible": BOOL,
    "current_drug": DRUGS, "current_dose_mg": FLOAT, "inadequate_response": BOOL,
    "weeks_on_treatment": FLOAT, "acute_severe_flare": BOOL,
    "sex": {"female", "male"},
}


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Checker:
    def __init__(self, guideline):
        self.guideline = guideline
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def fact(self, where, name, value):
        if name not in FACTS:
            self.err(where, f"unknown fact name {name!r}")
            return
        spec = FACTS[name]
        if value is None:
            if spec in (FLOAT, INT, BOOL, STR) or isinstance(spec, tuple) or name == "sex":
                return
            self.err(where, f"fact {name} may not be null")
            return
        if spec == FLOAT:
            ok = is_num(value)
        elif spec == INT:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif spec == BOOL:
            ok = isinstance(value, bool)
        elif spec == STR:
            ok = isinstance(value, str)
        elif isinstance(spec, tuple):
            allowed = spec[1]
            ok = isinstance(value, list) and all(isinstance(x, str) for x in value) and (
                allowed is None or all(x in allowed for x in value))
        else:
            ok = isinstance(value, str) and value in spec
        if not ok:
            self.err(where, f"fact {name} has a value of the wrong type or outside the allowed set: {value!r}")

    def dose(self, where, d):
        if not isinstance(d, dict) or not d:
            self.err(where, f"dose must be a non-empty mapping: {d!r}")
            return
        for k, v in d.items():
            if k not in DOSE_KEYS:
                self.err(where, f"unknown dose key {k!r}")
            elif k in DOSE_NUM_KEYS and not is_num(v):
                self.err(where, f"dose {k} must be a number: {v!r}")
            elif k == "unit" and v not in UNITS:
                self.err(where, f"dose unit {v!r} not in {sorted(UNITS)}")
            elif k in ("phase", "route", "frequency") and not isinstance(v, str):
                self.err(where, f"dose {k} must be a string")
        if "frequency" in d and isinstance(d["frequency"], str) and not re.search(
                r"(?<![\w-])" + re.escape(d["frequency"]) + r"(?![\w-])", self.guideline):
            self.err(where, f"dose frequency {d['frequency']!r} is not worded as the guideline says it")
        for lo, hi in (("low", "high"), ("patient_low_mg", "patient_high_mg"),
                       ("per_dose_low_mg", "per_dose_high_mg")):
            if is_num(d.get(lo)) and is_num(d.get(hi)) and d[lo] > d[hi]:
                self.err(where, f"dose {lo} > {hi}")

    def decision(self, where, dec):
        if not isinstance(dec, dict) or not dec:
            self.err(where, f"decision matcher must be a non-empty mapping: {dec!r}")
            return
        for k, v in dec.items():
            if k not in DECISION_KEYS:
                self.err(where, f"unknown decision key {k!r}")
            elif k == "rule_id" and v not in RULES:
                self.err(where, f"unknown rule_id {v!r}")
            elif k == "drug" and v is not None and v not in DRUGS:
                self.err(where, f"unknown drug {v!r}")
            elif k == "severity" and v not in SEVERITIES:
                self.err(where, f"unknown severity {v!r}")
            elif k == "kind" and v not in TOPICS and v != "pitfall":
                self.err(where, f"unknown kind {v!r}")
            elif k == "outcome" and v not in OUTCOMES:
                self.err(where, f"unknown outcome {v!r}")
            elif k in ("primary", "no_doses") and not isinstance(v, bool):
                self.err(where, f"{k} must be a boolean")
            elif k == "doses":
                if not isinstance(v, list) or not v:
                    self.err(where, "doses must be a non-empty list")
                else:
                    for d in v:
                        self.dose(where, d)
        if "rule_id" in dec and "kind" in dec and dec["rule_id"] in RULES:
            want = RULES[dec["rule_id"]]
            got = dec["kind"]
            if not (got == want or (want == "pitfall" and got == "pitfalls")):
                self.err(where, f"kind {got!r} does not match rule {dec['rule_id']} ({want})")
        if dec.get("no_doses") is True and "doses" in dec:
            self.err(where, "no_doses: true together with doses")

    def str_list(self, where, key, v):
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.err(where, f"{key} must be a list of non-empty strings")
            return False
        return True

    def expect(self, where, exp):
        if not isinstance(exp, dict):
            self.err(where, "expect must be a mapping")
            return
        for k in exp:
            if k not in EXPECT_KEYS:
                self.err(where, f"unknown expect key {k!r}")
        if "status" in exp and exp["status"] not in STATUSES:
            self.err(where, f"unknown status {exp['status']!r}")
        if "verdict" in exp and exp["verdict"] not in VERDICTS:
            self.err(where, f"unknown verdict {exp['verdict']!r}")
        for key in ("decisions", "decisions_absent"):
            if key in exp:
                if not isinstance(exp[key], list):
                    self.err(where, f"{key} must be a list")
                else:
                    for dec in exp[key]:
                        self.decision(f"{where} {key}", dec)
        if "cites" in exp and self.str_list(where, "cites", exp["cites"]):
            for c in exp["cites"]:
                if c not in self.guideline:
                    self.err(where, f"cite is not an exact substring of guideline.txt: {c!r}")
        for key in ("answer_contains", "answer_excludes"):
            if key in exp:
                self.str_list(where, key, exp[key])
        if "missing" in exp:
            if not isinstance(exp["missing"], list):
                self.err(where, "missing must be a list")
            else:
                for m in exp["missing"]:
                    if m not in MISSING:
                        self.err(where, f"unknown missing-fact name {m!r}")
        if "facts" in exp:
            if not isinstance(exp["facts"], dict):
                self.err(where, "facts must be a mapping")
            else:
                for name, value in exp["facts"].items():
                    self.fact(where, name, value)
        if "no_decisions" in exp and not isinstance(exp["no_decisions"], bool):
            self.err(where, "no_decisions must be a boolean")
        # consistency with the contract
        decs = exp.get("decisions") if isinstance(exp.get("decisions"), list) else []
        blocks = [d for d in decs if isinstance(d, dict) and d.get("severity") == "block"]
        verdict = exp.get("verdict")
        status = exp.get("status")
        if blocks and verdict is not None and verdict != "dont":
            self.err(where, "a block is expected, so the verdict must be 'dont'")
        if verdict == "dont" and status in ("needs_info",):
            self.err(where, "verdict 'dont' with status needs_info contradicts 'the first block sets the status'")
        if verdict == "cant_say" and status not in (None, "needs_info", "not_covered"):
            self.err(where, "verdict 'cant_say' requires status needs_info or not_covered")
        if verdict == "cant_say" and blocks:
            self.err(where, "verdict 'cant_say' with an expected block")
        if status == "needs_info" and "missing" in exp and not exp["missing"]:
            self.err(where, "status needs_info but missing is empty")
        if exp.get("no_decisions") is True and decs:
            self.err(where, "no_decisions: true with expected decisions")
        absent = exp.get("decisions_absent") if isinstance(exp.get("decisions_absent"), list) else []
        for a in absent:
            if a in decs:
                self.err(where, f"the same matcher is both expected and absent: {a!r}")
        if verdict == "dont" and {"severity": "block"} in absent:
            self.err(where, "verdict 'dont' while no block may be present")
        for a in exp.get("answer_excludes") or []:
            for c in exp.get("answer_contains") or []:
                if a.lower() == c.lower():
                    self.err(where, f"{a!r} both required and excluded")

    def case(self, where, case, category, ids):
        if not isinstance(case, dict):
            self.err(where, "case must be a mapping")
            return
        for k in case:
            if k not in CASE_KEYS:
                self.err(where, f"unknown case key {k!r}")
        for k in REQUIRED_KEYS:
            if k not in case:
                self.err(where, f"missing key {k!r}")
        cid = case.get("id")
        if not isinstance(cid, str) or not cid.startswith(ID_PREFIX):
            self.err(where, f"id must be a string starting with {ID_PREFIX!r}")
        elif cid in ids:
            self.err(where, f"duplicate id {cid!r} (first in {ids[cid]})")
        else:
            ids[cid] = where
        where = f"{where} [{cid}]"
        if case.get("category") != category:
            self.err(where, f"category {case.get('category')!r} != file name {category!r}")
        has_q, has_m = "question" in case, "messages" in case
        if has_q == has_m:
            self.err(where, "exactly one of question / messages is required")
        if has_q and not (isinstance(case["question"], str) and case["question"].strip()):
            self.err(where, "question must be a non-empty string")
        if has_m:
            msgs = case["messages"]
            if not isinstance(msgs, list) or len(msgs) < 2:
                self.err(where, "messages must be a list of at least two turns")
            else:
                for i, m in enumerate(msgs):
                    if isinstance(m, str):
                        if not m.strip():
                            self.err(where, f"turn {i + 1} is empty")
                    elif isinstance(m, dict):
                        extra = set(m) - {"say", "expect"}
                        if extra:
                            self.err(where, f"turn {i + 1} has unknown keys {sorted(extra)}")
                        if not (isinstance(m.get("say"), str) and m["say"].strip()):
                            self.err(where, f"turn {i + 1} needs a non-empty 'say'")
                        if "expect" in m:
                            self.expect(f"{where} turn {i + 1}", m["expect"])
                    else:
                        self.err(where, f"turn {i + 1} must be a string or {{say, expect}}")
        if not isinstance(case.get("critical"), bool):
            self.err(where, "critical must be a boolean")
        if "notes" in case and not (isinstance(case["notes"], str) and case["notes"].strip()):
            self.err(where, "notes must be a non-empty string")
        tags = case.get("tags")
        if "tags" in case and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
            self.err(where, "tags must be a list of strings")
        elif isinstance(tags, list) and "control" in tags and case.get("critical") is not False:
            self.err(where, "a control case must have critical: false")
        if "expect" in case:
            self.expect(where, case["expect"])
            if not case["expect"] and not any(isinstance(m, dict) and m.get("expect")
                                              for m in case.get("messages") or []):
                self.err(where, "case asserts nothing")


def main():
    with open(GUIDELINE, encoding="utf-8") as fh:
        guideline = fh.read()
    files = sorted(glob.glob(os.path.join(SUITE, "*.yaml")))
    if not files:
        print(f"FAIL: no .yaml files in {SUITE}")
        return 1
    chk = Checker(guideline)
    ids = {}
    n = 0
    for path in files:
        name = os.path.basename(path)
        category = name[:-len(".yaml")]
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as e:
            chk.err(name, f"YAML error: {e}")
            continue
        if not isinstance(data, list) or not data:
            chk.err(name, "file must hold a non-empty list of cases")
            continue
        for i, case in enumerate(data):
            chk.case(f"{name}#{i + 1}", case, category, ids)
            n += 1
    if chk.errors:
        for e in chk.errors:
            print("ERROR", e)
        print(f"FAIL: {len(chk.errors)} problem(s) in {n} cases in {len(files)} files")
        return 1
    print(f"OK: {n} cases in {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
