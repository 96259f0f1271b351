#!/usr/bin/env python3
"""Validate the blind adguide suite in ./suite against the answer contract (CONTRACT.md).

Checks every case's keys and values: statuses, verdicts, severities, outcomes, decision kinds,
drugs, rule ids, missing-fact names, fact names and value types, dose keys and units, cites
(exact substrings of guideline.txt), unique ids with the suite prefix, category = file name.
Usage: python3 validate.py [suite_dir]
"""
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "suite")
GUIDELINE = os.path.join(HERE, "guideline.txt")
PREFIX = "9m-"

STATUSES = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICTS = {"dont", "cant_say", "go", "info"}
SEVERITIES = {"block", "caution", "info"}
OUTCOMES = {"decided", "not_covered", "needs_info"}
KINDS = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
         "concomitant", "response", "pitfalls", "overview"}
DRUGS = ["dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib", "cyclosporine",
         "methotrexate", "azathioprine", "mycophenolate", "systemic_corticosteroids"]
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug",
           "question", "pregnancy_or_planning"}
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}

# rule id -> kind, exactly as listed in the contract ("pitfall" there; topic list says "pitfalls")
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

FLOAT, INT, BOOL, STR = "float", "int", "bool", "str"
FACTS = {
    "age_years": (FLOAT, True), "age_at_least_years": (FLOAT, True),
    "age_below_years": (FLOAT, True), "age_group": ({"adult", "child"}, False),
    "weight_kg": (FLOAT, True), "weight_lb": (FLOAT, True), "egfr": (FLOAT, True),
    "ckd_stage": (INT, True), "severe_renal_impairment": (BOOL, True),
    "bsa_percent": (FLOAT, True), "iga": (INT, True), "pruritus_nrs": (FLOAT, True),
    "qol_impaired": (BOOL, True),
    "high_impact_areas": (("tuple", {"hands", "face", "eyelids"}), True),
    "sleep_disruption": (BOOL, True), "psychosocial_impact": (BOOL, True),
    "topical_trial_days": (INT, True),
    "topical_potency": ({"low", "medium", "high", "super_high"}, False),
    "topical_steroid": (STR, True), "severity_timepoints": (INT, True),
    "adherent": (BOOL, True), "steroid_phobia": (BOOL, True),
    "contact_dermatitis_excluded": (BOOL, True), "refractory": (BOOL, True),
    "lymphoma_excluded": (BOOL, True), "bacterial_superinfection": (BOOL, True),
    "eczema_herpeticum": (BOOL, True), "infection_signs": (("tuple", None), True),
    "infection_treated": (BOOL, True), "phototherapy_considered": (BOOL, True),
    "phototherapy_accessible": (BOOL, True),
    "route_preference": ({"oral", "injection"}, False),
    "first_line_barriers": (("tuple", {"unavailable", "unaffordable", "contraindicated"}), True),
    "pregnancy_or_planning": (BOOL, True), "pregnancy_possible": (BOOL, True),
    "current_drug": (set(DRUGS), False), "current_dose_mg": (FLOAT, True),
    "inadequate_response": (BOOL, True), "weeks_on_treatment": (FLOAT, True),
    "acute_severe_flare": (BOOL, True), "sex": ({"female", "male"}, True),
}

CASE_KEYS_REQUIRED = {"id", "category", "critical", "expect"}
CASE_KEYS = CASE_KEYS_REQUIRED | {"question", "messages", "notes", "tags"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites", "answer_contains",
               "answer_excludes", "missing", "facts", "no_decisions"}
DECISION_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_NUM = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
            "per_dose_high_mg", "tolerance"}
DOSE_STR = {"phase", "route", "frequency"}
DOSE_KEYS = DOSE_NUM | DOSE_STR | {"unit"}


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Checker:
    def __init__(self, guideline):
        self.guideline = guideline
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def str_list(self, where, key, v):
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.err(where, f"{key} must be a list of non-empty strings")
            return False
        return True

    def fact(self, where, name, value):
        if name not in FACTS:
            self.err(where, f"unknown fact name {name!r}")
            return
        typ, nullable = FACTS[name]
        if value is None:
            if not nullable:
                self.err(where, f"fact {name} may not be null")
            return
        ok = True
        if typ == FLOAT:
            ok = is_num(value)
        elif typ == INT:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif typ == BOOL:
            ok = isinstance(value, bool)
        elif typ == STR:
            ok = isinstance(value, str)
        elif isinstance(typ, set):
            ok = isinstance(value, str) and value in typ
        elif isinstance(typ, tuple) and typ[0] == "tuple":
            allowed = typ[1]
            ok = isinstance(value, list) and all(
                isinstance(x, str) and (allowed is None or x in allowed) for x in value)
        if not ok:
            self.err(where, f"fact {name}={value!r} has the wrong type/value")

    def dose(self, where, d):
        if not isinstance(d, dict) or not d:
            self.err(where, "each dose must be a non-empty mapping")
            return
        for k, v in d.items():
            if k not in DOSE_KEYS:
                self.err(where, f"unknown dose key {k!r}")
            elif k in DOSE_NUM and not is_num(v):
                self.err(where, f"dose {k} must be a number")
            elif k in DOSE_STR and not isinstance(v, str):
                self.err(where, f"dose {k} must be a string")
            elif k == "unit" and v not in UNITS:
                self.err(where, f"dose unit {v!r} not in {sorted(UNITS)}")
        if "tolerance" in d and is_num(d["tolerance"]) and d["tolerance"] < 0:
            self.err(where, "tolerance must be >= 0")
        for lo, hi in (("low", "high"), ("patient_low_mg", "patient_high_mg"),
                       ("per_dose_low_mg", "per_dose_high_mg")):
            if is_num(d.get(lo)) and is_num(d.get(hi)) and d[lo] > d[hi]:
                self.err(where, f"dose {lo} > {hi}")

    def decision(self, where, d):
        if not isinstance(d, dict) or not d:
            self.err(where, "each decision matcher must be a non-empty mapping")
            return
        for k, v in d.items():
            if k not in DECISION_KEYS:
                self.err(where, f"unknown decision key {k!r}")
        if "rule_id" in d and d["rule_id"] not in RULES:
            self.err(where, f"unknown rule_id {d['rule_id']!r}")
        if "drug" in d and d["drug"] is not None and d["drug"] not in DRUGS:
            self.err(where, f"unknown drug {d['drug']!r}")
        if "severity" in d and d["severity"] not in SEVERITIES:
            self.err(where, f"unknown severity {d['severity']!r}")
        if "outcome" in d and d["outcome"] not in OUTCOMES:
            self.err(where, f"unknown outcome {d['outcome']!r}")
        if "kind" in d:
            if d["kind"] not in KINDS:
                self.err(where, f"unknown kind {d['kind']!r}")
            elif d.get("rule_id") in RULES:
                rk = RULES[d["rule_id"]]
                rk = "pitfalls" if rk == "pitfall" else rk
                if rk != d["kind"]:
                    self.err(where, f"kind {d['kind']} does not match rule {d['rule_id']} ({rk})")
        for b in ("primary", "no_doses"):
            if b in d and not isinstance(d[b], bool):
                self.err(where, f"{b} must be a boolean")
        if "doses" in d:
            if not isinstance(d["doses"], list) or not d["doses"]:
                self.err(where, "doses must be a non-empty list")
            else:
                for x in d["doses"]:
                    self.dose(where, x)
            if d.get("no_doses") is True:
                self.err(where, "doses given together with no_doses: true")

    def expect(self, where, e):
        if not isinstance(e, dict):
            self.err(where, "expect must be a mapping")
            return
        for k in e:
            if k not in EXPECT_KEYS:
                self.err(where, f"unknown expect key {k!r}")
        if "status" in e and e["status"] not in STATUSES:
            self.err(where, f"unknown status {e['status']!r}")
        if "verdict" in e and e["verdict"] not in VERDICTS:
            self.err(where, f"unknown verdict {e['verdict']!r}")
        for key in ("decisions", "decisions_absent"):
            if key in e:
                if not isinstance(e[key], list):
                    self.err(where, f"{key} must be a list")
                else:
                    for d in e[key]:
                        self.decision(f"{where} {key}", d)
        if "cites" in e and self.str_list(where, "cites", e["cites"]):
            for c in e["cites"]:
                if c not in self.guideline:
                    self.err(where, f"cite is not an exact substring of guideline.txt: {c!r}")
        for key in ("answer_contains", "answer_excludes"):
            if key in e:
                self.str_list(where, key, e[key])
        if "missing" in e:
            if self.str_list(where, "missing", e["missing"]) or e["missing"] == []:
                for m in e["missing"]:
                    if m not in MISSING:
                        self.err(where, f"unknown missing-fact name {m!r}")
        if "facts" in e:
            if not isinstance(e["facts"], dict):
                self.err(where, "facts must be a mapping")
            else:
                for name, value in e["facts"].items():
                    self.fact(where, name, value)
        if "no_decisions" in e and not isinstance(e["no_decisions"], bool):
            self.err(where, "no_decisions must be a boolean")
        # internal consistency with the contract: a block always gives verdict dont
        blocks = [d for d in e.get("decisions") or [] if isinstance(d, dict)
                  and d.get("severity") == "block"]
        if blocks and "verdict" in e and e["verdict"] != "dont":
            self.err(where, "a block is expected but verdict is not 'dont'")
        if e.get("status") in ("needs_info", "not_covered") and e.get("verdict") == "go":
            self.err(where, "needs_info/not_covered cannot have verdict 'go'")
        if e.get("status") == "needs_info" and "missing" in e and not e["missing"]:
            self.err(where, "needs_info expected but no missing fact listed")

    def case(self, where, c, category):
        if not isinstance(c, dict):
            self.err(where, "case must be a mapping")
            return None
        for k in c:
            if k not in CASE_KEYS:
                self.err(where, f"unknown case key {k!r}")
        for k in CASE_KEYS_REQUIRED:
            if k not in c:
                self.err(where, f"missing required key {k!r}")
        cid = c.get("id")
        if not isinstance(cid, str) or not cid.startswith(PREFIX):
            self.err(where, f"id must be a string starting with {PREFIX!r}")
        where = f"{where} [{cid}]"
        if c.get("category") != category:
            self.err(where, f"category {c.get('category')!r} != file name {category!r}")
        if not isinstance(c.get("critical"), bool):
            self.err(where, "critical must be a boolean")
        if "notes" in c and not isinstance(c["notes"], str):
            self.err(where, "notes must be a string")
        if "tags" in c:
            self.str_list(where, "tags", c["tags"])
        has_q, has_m = "question" in c, "messages" in c
        if has_q == has_m:
            self.err(where, "exactly one of question / messages is required")
        if has_q and (not isinstance(c["question"], str) or not c["question"].strip()):
            self.err(where, "question must be a non-empty string")
        if has_m:
            msgs = c["messages"]
            if not isinstance(msgs, list) or not 2 <= len(msgs) <= 5:
                self.err(where, "messages must be a list of 2-5 turns")
            else:
                for i, m in enumerate(msgs, 1):
                    w = f"{where} turn {i}"
                    if isinstance(m, str):
                        if not m.strip():
                            self.err(w, "empty turn")
                    elif isinstance(m, dict):
                        extra = set(m) - {"say", "expect"}
                        if extra:
                            self.err(w, f"unknown turn keys {sorted(extra)}")
                        if not isinstance(m.get("say"), str) or not m["say"].strip():
                            self.err(w, "turn needs a non-empty 'say'")
                        if "expect" in m:
                            self.expect(w, m["expect"])
                    else:
                        self.err(w, "turn must be a string or {say, expect}")
        if "expect" in c:
            self.expect(where, c["expect"])
        return cid


def main():
    with open(GUIDELINE, encoding="utf-8") as fh:
        guideline = fh.read()
    chk = Checker(guideline)
    files = sorted(f for f in os.listdir(SUITE) if f.endswith(".yaml"))
    if not files:
        print(f"FAIL: no .yaml files in {SUITE}")
        return 1
    seen = {}
    n = 0
    for f in files:
        path = os.path.join(SUITE, f)
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            chk.err(f, f"YAML error: {exc}")
            continue
        if not isinstance(data, list) or not data:
            chk.err(f, "file must be a non-empty list of cases")
            continue
        category = f[:-len(".yaml")]
        for i, c in enumerate(data, 1):
            cid = chk.case(f"{f} #{i}", c, category)
            n += 1
            if isinstance(cid, str):
                if cid in seen:
                    chk.err(f"{f} #{i}", f"duplicate id {cid!r} (also in {seen[cid]})")
                seen[cid] = f
    if chk.errors:
        for e in chk.errors:
            print("ERROR", e)
        print(f"FAIL: {len(chk.errors)} errors in {n} cases in {len(files)} files")
        return 1
    print(f"OK: {n} cases in {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
