#!/usr/bin/env python3
"""Validate the blind adguide suite against the case format in CONTRACT.md.

Usage: python3 validate.py [suite_dir]
Prints "OK: N cases in M files" or a list of problems (exit status 1).
Needs only PyYAML.
"""
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "suite")
GUIDELINE = os.path.join(HERE, "guideline.txt")
CONTRACT = os.path.join(HERE, "CONTRACT.md")
ID_PREFIX = "9l-"

# ---- values exactly as CONTRACT.md lists them ---------------------------------
STATUSES = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICTS = {"dont", "cant_say", "go", "info"}
SEVERITIES = {"block", "caution", "info"}
OUTCOMES = {"decided", "not_covered", "needs_info"}
KINDS = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
         "concomitant", "response", "pitfalls", "overview"}
DRUGS = {"dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib",
         "cyclosporine", "methotrexate", "azathioprine", "mycophenolate",
         "systemic_corticosteroids"}
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}
MISSING_NAMES = {"weight", "age_years", "renal_function", "severity", "topical_trial_days",
                 "drug", "question", "pregnancy_or_planning"}
RULE_IDS = {
    "ELIG-SYSTEMIC", "PRE-CHECKLIST", "PRE-CONTACT-DERMATITIS", "PRE-LYMPHOMA",
    "PRE-BACTERIAL-INFECTION", "PRE-ECZEMA-HERPETICUM", "PRE-ADHERENCE",
    "PRE-DOCUMENT-SEVERITY", "PRE-PHOTOTHERAPY", "CHOICE-FIRST-LINE", "CHOICE-DUPILUMAB",
    "CHOICE-TRALOKINUMAB", "CHOICE-JAK", "CHOICE-ORAL-PREFERENCE", "CHOICE-SECOND-LINE",
    "CHOICE-CYCLOSPORINE-RAPID", "CHOICE-CORTICOSTEROIDS-AGAINST", "DOSE-DUPILUMAB",
    "DOSE-UPADACITINIB", "DOSE-UPADACITINIB-ESCALATION", "DOSE-CYCLOSPORINE",
    "DOSE-METHOTREXATE", "DOSE-AZATHIOPRINE", "DOSE-MYCOPHENOLATE", "DOSE-TRALOKINUMAB",
    "DOSE-ABROCITINIB", "DOSE-BARICITINIB", "DOSE-CORTICOSTEROIDS", "MON-DUPILUMAB",
    "MON-CYCLOSPORINE", "MON-METHOTREXATE", "MON-AZATHIOPRINE", "MON-MYCOPHENOLATE",
    "AE-DUPILUMAB", "AE-CYCLOSPORINE", "AE-METHOTREXATE", "AE-MYCOPHENOLATE",
    "AE-CORTICOSTEROIDS", "CONCOMITANT-DUPILUMAB", "RESPONSE-DUPILUMAB",
    "PITFALL-TOPICALS-FIRST", "PITFALL-CONTACT-DERMATITIS", "PITFALL-QUALITY-OF-LIFE",
    "PITFALL-ANTIHISTAMINES", "PITFALL-ANTIBIOTICS", "OVERVIEW", "SAFETY-PREGNANCY",
    "INFO-NOT-STATED",
}

FLOAT_FACTS = {"age_years", "age_at_least_years", "age_below_years", "weight_kg", "weight_lb",
               "egfr", "bsa_percent", "pruritus_nrs", "current_dose_mg", "weeks_on_treatment"}
INT_FACTS = {"ckd_stage", "iga", "topical_trial_days", "severity_timepoints"}
BOOL_FACTS = {"severe_renal_impairment", "qol_impaired", "sleep_disruption",
              "psychosocial_impact", "adherent", "steroid_phobia", "contact_dermatitis_excluded",
              "refractory", "lymphoma_excluded", "bacterial_superinfection", "eczema_herpeticum",
              "infection_treated", "phototherapy_considered", "phototherapy_accessible",
              "pregnancy_or_planning", "pregnancy_possible", "inadequate_response",
              "acute_severe_flare"}
ENUM_FACTS = {  # value set, None allowed?
    "age_group": ({"adult", "child"}, False),
    "topical_potency": ({"low", "medium", "high", "super_high"}, False),
    "route_preference": ({"oral", "injection"}, False),
    "current_drug": (DRUGS, False),
    "sex": ({"female", "male"}, True),
}
TUPLE_ENUM_FACTS = {
    "high_impact_areas": {"hands", "face", "eyelids"},
    "first_line_barriers": {"unavailable", "unaffordable", "contraindicated"},
}
TUPLE_STR_FACTS = {"infection_signs"}
STR_FACTS = {"topical_steroid"}
ALL_FACTS = (FLOAT_FACTS | INT_FACTS | BOOL_FACTS | set(ENUM_FACTS) | set(TUPLE_ENUM_FACTS)
             | TUPLE_STR_FACTS | STR_FACTS)

CASE_KEYS = {"id", "category", "question", "messages", "critical", "notes", "tags", "expect"}
REQUIRED_CASE_KEYS = {"id", "category", "critical", "expect"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites", "answer_contains",
               "answer_excludes", "missing", "facts", "no_decisions"}
DECISION_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_KEYS = {"phase", "low", "high", "unit", "route", "frequency", "patient_low_mg",
             "patient_high_mg", "per_dose_low_mg", "per_dose_high_mg", "tolerance"}
DOSE_NUM_KEYS = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
                 "per_dose_high_mg", "tolerance"}


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Checker:
    def __init__(self, guideline, contract):
        self.guideline = guideline
        self.contract = contract
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    # -- pieces ---------------------------------------------------------------
    def check_str_list(self, where, key, val):
        if not isinstance(val, list) or not all(isinstance(x, str) and x.strip() for x in val):
            self.err(where, f"{key} must be a list of non-empty strings")
            return False
        return True

    def check_fact(self, where, name, val):
        if name not in ALL_FACTS:
            self.err(where, f"unknown fact name {name!r}")
            return
        if name in FLOAT_FACTS:
            if val is not None and not is_num(val):
                self.err(where, f"fact {name} must be a number or null, got {val!r}")
        elif name in INT_FACTS:
            if val is not None and not (isinstance(val, int) and not isinstance(val, bool)):
                self.err(where, f"fact {name} must be an integer or null, got {val!r}")
        elif name in BOOL_FACTS:
            if val is not None and not isinstance(val, bool):
                self.err(where, f"fact {name} must be true/false/null, got {val!r}")
        elif name in ENUM_FACTS:
            allowed, nullable = ENUM_FACTS[name]
            if val is None and nullable:
                return
            if val not in allowed:
                self.err(where, f"fact {name}={val!r} not in {sorted(allowed)}")
        elif name in TUPLE_ENUM_FACTS:
            if val is None:
                return
            if not isinstance(val, list) or any(x not in TUPLE_ENUM_FACTS[name] for x in val):
                self.err(where, f"fact {name} must be a list drawn from "
                                f"{sorted(TUPLE_ENUM_FACTS[name])}, got {val!r}")
        elif name in TUPLE_STR_FACTS:
            if val is not None and (not isinstance(val, list)
                                    or not all(isinstance(x, str) for x in val)):
                self.err(where, f"fact {name} must be a list of strings")
        elif name in STR_FACTS:
            if val is not None and not isinstance(val, str):
                self.err(where, f"fact {name} must be a string or null")

    def check_dose(self, where, d):
        if not isinstance(d, dict) or not d:
            self.err(where, "each dose expectation must be a non-empty mapping")
            return
        for k, v in d.items():
            if k not in DOSE_KEYS:
                self.err(where, f"unknown dose key {k!r}")
            elif k in DOSE_NUM_KEYS:
                if not is_num(v):
                    self.err(where, f"dose {k} must be a number, got {v!r}")
            elif k == "unit":
                if v not in UNITS:
                    self.err(where, f"dose unit {v!r} not in {sorted(UNITS)}")
            elif not isinstance(v, str):
                self.err(where, f"dose {k} must be a string, got {v!r}")
        if "frequency" in d and isinstance(d["frequency"], str) \
                and d["frequency"] not in self.guideline:
            self.err(where, f"dose frequency {d['frequency']!r} is not worded as in the guideline")
        if is_num(d.get("low")) and is_num(d.get("high")) and d["low"] > d["high"]:
            self.err(where, "dose low > high")
        if is_num(d.get("patient_low_mg")) and is_num(d.get("patient_high_mg")) \
                and d["patient_low_mg"] > d["patient_high_mg"]:
            self.err(where, "patient_low_mg > patient_high_mg")

    def check_decision(self, where, dec):
        if not isinstance(dec, dict) or not dec:
            self.err(where, "decision matcher must be a non-empty mapping")
            return
        for k, v in dec.items():
            if k not in DECISION_KEYS:
                self.err(where, f"unknown decision key {k!r}")
            elif k == "rule_id":
                if v not in RULE_IDS:
                    self.err(where, f"unknown rule_id {v!r}")
            elif k == "drug":
                if v is not None and v not in DRUGS:
                    self.err(where, f"unknown drug {v!r}")
            elif k == "severity":
                if v not in SEVERITIES:
                    self.err(where, f"unknown severity {v!r}")
            elif k == "kind":
                if v not in KINDS:
                    self.err(where, f"unknown kind {v!r}")
            elif k == "outcome":
                if v not in OUTCOMES:
                    self.err(where, f"unknown outcome {v!r}")
            elif k in ("primary", "no_doses"):
                if not isinstance(v, bool):
                    self.err(where, f"{k} must be true/false")
            elif k == "doses":
                if not isinstance(v, list) or not v:
                    self.err(where, "doses must be a non-empty list")
                else:
                    for i, d in enumerate(v):
                        self.check_dose(f"{where} doses[{i}]", d)
        if dec.get("no_doses") is True and dec.get("doses"):
            self.err(where, "no_doses: true together with doses")

    def check_expect(self, where, exp):
        if not isinstance(exp, dict):
            self.err(where, "expect must be a mapping")
            return
        for k in exp:
            if k not in EXPECT_KEYS:
                self.err(where, f"unknown expect key {k!r}")
        status, verdict = exp.get("status"), exp.get("verdict")
        if status is not None and status not in STATUSES:
            self.err(where, f"unknown status {status!r}")
        if verdict is not None and verdict not in VERDICTS:
            self.err(where, f"unknown verdict {verdict!r}")
        for key in ("decisions", "decisions_absent"):
            if key in exp:
                if not isinstance(exp[key], list):
                    self.err(where, f"{key} must be a list")
                    continue
                for i, dec in enumerate(exp[key]):
                    self.check_decision(f"{where} {key}[{i}]", dec)
        for key in ("cites", "answer_contains", "answer_excludes"):
            if key in exp:
                self.check_str_list(where, key, exp[key])
        for c in exp.get("cites") or []:
            if isinstance(c, str) and c not in self.guideline:
                self.err(where, f"cite is not an exact substring of guideline.txt: {c!r}")
        if "missing" in exp:
            if self.check_str_list(where, "missing", exp["missing"]):
                for m in exp["missing"]:
                    if m not in MISSING_NAMES:
                        self.err(where, f"unknown missing-fact name {m!r}")
        if "facts" in exp:
            if not isinstance(exp["facts"], dict) or not exp["facts"]:
                self.err(where, "facts must be a non-empty mapping")
            else:
                for n, v in exp["facts"].items():
                    self.check_fact(where, n, v)
        if "no_decisions" in exp and not isinstance(exp["no_decisions"], bool):
            self.err(where, "no_decisions must be true/false")

        # consistency with the contract's status/verdict rules
        blocks = [d for d in exp.get("decisions") or []
                  if isinstance(d, dict) and d.get("severity") == "block"]
        if blocks and verdict is not None and verdict != "dont":
            self.err(where, "a block is expected but verdict is not 'dont'")
        if blocks and status in ("needs_info", "refused", "out_of_scope"):
            self.err(where, f"a block is expected but status is {status!r} "
                            "(a block sets answered or not_covered)")
        if verdict == "go" and status in ("needs_info", "not_covered", "refused", "out_of_scope"):
            self.err(where, f"verdict 'go' is inconsistent with status {status!r}")
        if verdict == "cant_say" and status in ("answered",):
            self.err(where, "verdict 'cant_say' is for needs_info / not_covered")
        if status == "needs_info" and verdict is not None and verdict not in ("cant_say", "dont"):
            self.err(where, "needs_info gives verdict cant_say (or dont with a block)")
        if exp.get("no_decisions") is True and exp.get("decisions"):
            self.err(where, "no_decisions: true together with expected decisions")
        for d in exp.get("decisions_absent") or []:
            if d in (exp.get("decisions") or []):
                self.err(where, f"same matcher in decisions and decisions_absent: {d}")

    def check_case(self, where, case, category, seen):
        if not isinstance(case, dict):
            self.err(where, "case must be a mapping")
            return
        for k in case:
            if k not in CASE_KEYS:
                self.err(where, f"unknown case key {k!r}")
        for k in REQUIRED_CASE_KEYS:
            if k not in case:
                self.err(where, f"missing key {k!r}")
        cid = case.get("id")
        if not isinstance(cid, str) or not cid.startswith(ID_PREFIX):
            self.err(where, f"id must be a string starting with {ID_PREFIX!r}")
        elif cid in seen:
            self.err(where, f"duplicate id {cid!r} (also in {seen[cid]})")
        else:
            seen[cid] = where
        where = f"{where} [{cid}]"
        if case.get("category") != category:
            self.err(where, f"category {case.get('category')!r} != file name {category!r}")
        if not isinstance(case.get("critical"), bool):
            self.err(where, "critical must be true/false")
        if "notes" in case and not isinstance(case["notes"], str):
            self.err(where, "notes must be a string")
        if "tags" in case and not (isinstance(case["tags"], list)
                                   and all(isinstance(t, str) and t for t in case["tags"])):
            self.err(where, "tags must be a list of strings")
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
                    tw = f"{where} turn {i + 1}"
                    if isinstance(m, str):
                        if not m.strip():
                            self.err(tw, "empty turn")
                    elif isinstance(m, dict):
                        extra = set(m) - {"say", "expect"}
                        if extra:
                            self.err(tw, f"unknown turn keys {sorted(extra)}")
                        if not (isinstance(m.get("say"), str) and m["say"].strip()):
                            self.err(tw, "turn needs a non-empty 'say'")
                        if "expect" in m:
                            self.check_expect(tw, m["expect"])
                    else:
                        self.err(tw, "a turn is a string or {say, expect}")
        if "expect" in case:
            self.check_expect(where, case["expect"])

    def run(self):
        # the hard-coded names must appear in the contract verbatim
        for name in sorted(RULE_IDS | DRUGS | MISSING_NAMES | ALL_FACTS | STATUSES | VERDICTS):
            if f"`{name}`" not in self.contract:
                self.err("validate.py", f"{name!r} not found as `{name}` in CONTRACT.md")
        files = sorted(f for f in os.listdir(SUITE) if f.endswith((".yaml", ".yml")))
        if not files:
            self.err(SUITE, "no YAML files")
        seen, n = {}, 0
        for fn in files:
            path = os.path.join(SUITE, fn)
            category = os.path.splitext(fn)[0]
            try:
                with open(path, encoding="utf-8") as fh:
                    data = yaml.safe_load(fh)
            except yaml.YAMLError as e:
                self.err(fn, f"YAML error: {e}")
                continue
            if not isinstance(data, list) or not data:
                self.err(fn, "file must hold a non-empty list of cases")
                continue
            for i, case in enumerate(data):
                self.check_case(f"{fn}#{i + 1}", case, category, seen)
                n += 1
        return n, len(files)


def main():
    with open(GUIDELINE, encoding="utf-8") as fh:
        guideline = fh.read()
    with open(CONTRACT, encoding="utf-8") as fh:
        contract = fh.read()
    c = Checker(guideline, contract)
    n, m = c.run()
    if c.errors:
        for e in c.errors:
            print("ERROR:", e)
        print(f"FAILED: {len(c.errors)} problem(s) in {n} cases in {m} files")
        sys.exit(1)
    print(f"OK: {n} cases in {m} files")


if __name__ == "__main__":
    main()
