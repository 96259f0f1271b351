#!/usr/bin/env python3
"""Validate the 10d blind evaluation suite against CONTRACT.md's case format and guideline.txt.

Usage: python3 validate.py [suite_dir]
Needs PyYAML only. guideline.txt is looked up beside this script, in its parent, or ../../guideline.txt.
Prints a category table, then "OK" or the list of errors (exit status 1 on errors).
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "10d-"

STATUS = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICT = {"dont", "cant_say", "go", "info"}
SEVERITY = {"block", "caution", "info"}
OUTCOME = {"decided", "not_covered", "needs_info"}
KIND = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
        "concomitant", "response", "pitfalls", "pitfall", "overview"}
DRUGS = ["dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib", "cyclosporine",
         "methotrexate", "azathioprine", "mycophenolate", "systemic_corticosteroids"]
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug",
           "question", "pregnancy_or_planning"}
RULE_IDS = {
    "ELIG-SYSTEMIC", "PRE-CHECKLIST", "PRE-CONTACT-DERMATITIS", "PRE-LYMPHOMA",
    "PRE-BACTERIAL-INFECTION", "PRE-ECZEMA-HERPETICUM", "PRE-ADHERENCE", "PRE-DOCUMENT-SEVERITY",
    "PRE-PHOTOTHERAPY", "CHOICE-FIRST-LINE", "CHOICE-DUPILUMAB", "CHOICE-TRALOKINUMAB", "CHOICE-JAK",
    "CHOICE-ORAL-PREFERENCE", "CHOICE-SECOND-LINE", "CHOICE-CYCLOSPORINE-RAPID",
    "CHOICE-CORTICOSTEROIDS-AGAINST", "DOSE-DUPILUMAB", "DOSE-UPADACITINIB",
    "DOSE-UPADACITINIB-ESCALATION", "DOSE-CYCLOSPORINE", "DOSE-METHOTREXATE", "DOSE-AZATHIOPRINE",
    "DOSE-MYCOPHENOLATE", "DOSE-TRALOKINUMAB", "DOSE-ABROCITINIB", "DOSE-BARICITINIB",
    "DOSE-CORTICOSTEROIDS", "MON-DUPILUMAB", "MON-CYCLOSPORINE", "MON-METHOTREXATE",
    "MON-AZATHIOPRINE", "MON-MYCOPHENOLATE", "AE-DUPILUMAB", "AE-CYCLOSPORINE", "AE-METHOTREXATE",
    "AE-MYCOPHENOLATE", "AE-CORTICOSTEROIDS", "CONCOMITANT-DUPILUMAB", "RESPONSE-DUPILUMAB",
    "PITFALL-TOPICALS-FIRST", "PITFALL-CONTACT-DERMATITIS", "PITFALL-QUALITY-OF-LIFE",
    "PITFALL-ANTIHISTAMINES", "PITFALL-ANTIBIOTICS", "OVERVIEW", "SAFETY-PREGNANCY", "INFO-NOT-STATED",
}

# fact name -> type spec: "float", "int", "bool", "str", ("enum", {...}), ("tuple", {...} or None)
FACTS = {
    "age_years": "float", "age_at_least_years": "float", "age_below_years": "float",
    "age_group": ("enum", {"adult", "child"}),
    "weight_kg": "float", "weight_lb": "float", "weight_below_kg": "float",
    "egfr": "float", "ckd_stage": "int", "severe_renal_impairment": "bool",
    "bsa_percent": "float", "iga": "int", "pruritus_nrs": "float", "qol_impaired": "bool",
    "high_impact_areas": ("tuple", {"hands", "face", "eyelids"}),
    "sleep_disruption": "bool", "psychosocial_impact": "bool", "topical_trial_days": "int",
    "topical_potency": ("enum", {"low", "medium", "high", "super_high"}),
    "topical_steroid": "str", "severity_timepoints": "int", "adherent": "bool",
    "steroid_phobia": "bool", "contact_dermatitis_excluded": "bool", "refractory": "bool",
    "lymphoma_excluded": "bool", "bacterial_superinfection": "bool", "eczema_herpeticum": "bool",
    "infection_signs": ("tuple", None), "infection_treated": "bool",
    "phototherapy_considered": "bool", "phototherapy_accessible": "bool",
    "route_preference": ("enum", {"oral", "injection"}),
    "first_line_barriers": ("tuple", {"unavailable", "unaffordable", "contraindicated"}),
    "pregnancy_or_planning": "bool", "pregnancy_possible": "bool",
    "current_drug": ("enum", set(DRUGS)), "current_dose_mg": "float",
    "inadequate_response": "bool", "weeks_on_treatment": "float", "acute_severe_flare": "bool",
    "sex": ("enum", {"female", "male"}),
}

CASE_KEYS = {"id", "category", "question", "messages", "critical", "notes", "tags", "expect"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites", "answer_contains",
               "answer_excludes", "missing", "facts", "no_decisions"}
DECISION_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_NUM_KEYS = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
                 "per_dose_high_mg", "tolerance"}
DOSE_KEYS = DOSE_NUM_KEYS | {"phase", "unit", "route", "frequency"}
NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def find_guideline():
    for cand in (os.path.join(HERE, "guideline.txt"),
                 os.path.join(HERE, "..", "guideline.txt"),
                 os.path.join(HERE, "..", "..", "guideline.txt"),
                 os.path.join(os.getcwd(), "..", "..", "guideline.txt")):
        if os.path.isfile(cand):
            return os.path.normpath(cand)
    return None


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Checker:
    def __init__(self, guideline):
        self.g = guideline
        self.gnums = {float(n) for n in NUM_RE.findall(guideline)}
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def str_list(self, where, v):
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.err(where, "must be a list of strings")
            return []
        return v

    def check_dose(self, where, d):
        if not isinstance(d, dict):
            self.err(where, "dose must be a mapping")
            return
        for k in d:
            if k not in DOSE_KEYS:
                self.err(where, f"unknown dose key {k!r}")
        for k in DOSE_NUM_KEYS & set(d):
            if not is_num(d[k]):
                self.err(where, f"dose {k} must be a number")
        if "unit" in d and d["unit"] not in UNITS:
            self.err(where, f"unit {d['unit']!r} not in {sorted(UNITS)}")
        for k in ("phase", "route", "frequency"):
            if k in d and not isinstance(d[k], str):
                self.err(where, f"dose {k} must be a string")
        if isinstance(d.get("frequency"), str) and d["frequency"] not in self.g:
            self.err(where, f"frequency {d['frequency']!r} is not an exact substring of guideline.txt")
        if "low" in d and "high" in d and is_num(d["low"]) and is_num(d["high"]) and d["low"] > d["high"]:
            self.err(where, "low > high")

    def check_decision(self, where, d):
        if not isinstance(d, dict):
            self.err(where, "decision matcher must be a mapping")
            return
        if not d:
            self.err(where, "empty decision matcher")
        for k in d:
            if k not in DECISION_KEYS:
                self.err(where, f"unknown decision key {k!r}")
        if "rule_id" in d and d["rule_id"] not in RULE_IDS:
            self.err(where, f"unknown rule_id {d['rule_id']!r}")
        if "drug" in d and d["drug"] is not None and d["drug"] not in DRUGS:
            self.err(where, f"unknown drug {d['drug']!r}")
        if "severity" in d and d["severity"] not in SEVERITY:
            self.err(where, f"bad severity {d['severity']!r}")
        if "kind" in d and d["kind"] not in KIND:
            self.err(where, f"bad kind {d['kind']!r}")
        if "outcome" in d and d["outcome"] not in OUTCOME:
            self.err(where, f"bad outcome {d['outcome']!r}")
        for k in ("primary", "no_doses"):
            if k in d and not isinstance(d[k], bool):
                self.err(where, f"{k} must be a boolean")
        if "doses" in d:
            if not isinstance(d["doses"], list) or not d["doses"]:
                self.err(where, "doses must be a non-empty list")
            else:
                for i, dose in enumerate(d["doses"]):
                    self.check_dose(f"{where}.doses[{i}]", dose)

    def check_fact(self, where, name, value):
        spec = FACTS.get(name)
        if spec is None:
            self.err(where, f"unknown fact {name!r}")
            return
        if value is None:
            return
        ok = True
        if spec == "float":
            ok = is_num(value)
        elif spec == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif spec == "bool":
            ok = isinstance(value, bool)
        elif spec == "str":
            ok = isinstance(value, str)
        elif spec[0] == "enum":
            ok = value in spec[1]
        elif spec[0] == "tuple":
            ok = isinstance(value, list) and all(isinstance(x, str) for x in value) and (
                spec[1] is None or all(x in spec[1] for x in value))
        if not ok:
            self.err(where, f"fact {name}={value!r} has the wrong type/value")

    def check_expect(self, where, e):
        if not isinstance(e, dict):
            self.err(where, "expect must be a mapping")
            return
        for k in e:
            if k not in EXPECT_KEYS:
                self.err(where, f"unknown expect key {k!r}")
        if "status" in e and e["status"] not in STATUS:
            self.err(where, f"bad status {e['status']!r}")
        if "verdict" in e and e["verdict"] not in VERDICT:
            self.err(where, f"bad verdict {e['verdict']!r}")
        for key in ("decisions", "decisions_absent"):
            if key in e:
                if not isinstance(e[key], list):
                    self.err(where, f"{key} must be a list")
                else:
                    for i, d in enumerate(e[key]):
                        self.check_decision(f"{where}.{key}[{i}]", d)
        for c in self.str_list(f"{where}.cites", e.get("cites", [])):
            if c not in self.g:
                self.err(where, f"cite not an exact substring of guideline.txt: {c!r}")
        for a in self.str_list(f"{where}.answer_contains", e.get("answer_contains", [])):
            for alt in a.split("||"):
                for n in NUM_RE.findall(alt):
                    if float(n) not in self.gnums:
                        self.err(where, f"number {n} in answer_contains {a!r} does not occur in guideline.txt")
        self.str_list(f"{where}.answer_excludes", e.get("answer_excludes", []))
        for m in self.str_list(f"{where}.missing", e.get("missing", [])):
            if m not in MISSING:
                self.err(where, f"unknown missing fact {m!r}")
        if "facts" in e:
            if not isinstance(e["facts"], dict):
                self.err(where, "facts must be a mapping")
            else:
                for k, v in e["facts"].items():
                    self.check_fact(f"{where}.facts", k, v)
        if "no_decisions" in e and not isinstance(e["no_decisions"], bool):
            self.err(where, "no_decisions must be a boolean")
        if e.get("no_decisions") is True and e.get("decisions"):
            self.err(where, "no_decisions: true together with expected decisions")

    def check_case(self, fname, category, idx, c, ids):
        where = f"{fname}[{idx}]"
        if not isinstance(c, dict):
            self.err(where, "case must be a mapping")
            return None
        cid = c.get("id")
        if isinstance(cid, str):
            where = f"{fname}:{cid}"
        for k in c:
            if k not in CASE_KEYS:
                self.err(where, f"unknown case key {k!r}")
        if not isinstance(cid, str) or not cid.startswith(PREFIX):
            self.err(where, f"id must be a string starting with {PREFIX!r}")
        elif cid in ids:
            self.err(where, f"duplicate id {cid!r} (also in {ids[cid]})")
        else:
            ids[cid] = fname
        if c.get("category") != category:
            self.err(where, f"category {c.get('category')!r} != file name {category!r}")
        has_q, has_m = "question" in c, "messages" in c
        if has_q == has_m:
            self.err(where, "exactly one of question / messages is required")
        if has_q and (not isinstance(c["question"], str) or not c["question"].strip()):
            self.err(where, "question must be a non-empty string")
        if has_m:
            msgs = c["messages"]
            if not isinstance(msgs, list) or len(msgs) < 2:
                self.err(where, "messages must be a list of at least 2 turns")
            else:
                for i, m in enumerate(msgs):
                    if isinstance(m, str):
                        if not m.strip():
                            self.err(where, f"messages[{i}] is empty")
                    elif isinstance(m, dict):
                        for k in m:
                            if k not in {"say", "expect"}:
                                self.err(where, f"messages[{i}] unknown key {k!r}")
                        if not isinstance(m.get("say"), str) or not m["say"].strip():
                            self.err(where, f"messages[{i}].say must be a non-empty string")
                        if "expect" in m:
                            self.check_expect(f"{where}.messages[{i}].expect", m["expect"])
                    else:
                        self.err(where, f"messages[{i}] must be a string or {{say, expect}}")
                if isinstance(msgs[-1], dict) and "expect" in msgs[-1]:
                    self.err(where, "the last turn's expectations belong in the top-level expect")
        if "critical" in c and not isinstance(c["critical"], bool):
            self.err(where, "critical must be a boolean")
        if "notes" in c and not isinstance(c["notes"], str):
            self.err(where, "notes must be a string")
        tags = self.str_list(f"{where}.tags", c.get("tags", []))
        if has_m != ("multi-turn" in tags):
            self.err(where, "tag 'multi-turn' must be present exactly when the case uses messages")
        if "expect" not in c:
            self.err(where, "expect is required")
        else:
            self.check_expect(f"{where}.expect", c["expect"])
        return c


def main():
    suite = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else HERE
    gpath = find_guideline()
    if not gpath:
        print("ERROR: guideline.txt not found beside validate.py, in its parent, or ../../")
        return 2
    with open(gpath, encoding="utf-8") as fh:
        chk = Checker(fh.read())
    files = sorted(f for f in os.listdir(suite) if f.endswith(".yaml"))
    if not files:
        chk.err(suite, "no .yaml files")
    ids, rows = {}, []
    for fname in files:
        category = fname[:-len(".yaml")]
        try:
            with open(os.path.join(suite, fname), encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            chk.err(fname, f"YAML parse error: {exc}")
            continue
        if not isinstance(data, list) or not data:
            chk.err(fname, "file must hold a non-empty list of cases")
            continue
        n = crit = multi = 0
        for i, case in enumerate(data):
            c = chk.check_case(fname, category, i, case, ids)
            if c is None:
                continue
            n += 1
            crit += c.get("critical") is True
            multi += "messages" in c
        rows.append((category, n, crit, multi))
    print(f"guideline: {gpath}")
    print(f"{'category':<20}{'cases':>7}{'critical':>10}{'multi-turn':>12}")
    for r in rows:
        print(f"{r[0]:<20}{r[1]:>7}{r[2]:>10}{r[3]:>12}")
    tot = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    print(f"{'TOTAL':<20}{tot[0]:>7}{tot[1]:>10}{tot[2]:>12}")
    if chk.errors:
        print(f"\n{len(chk.errors)} error(s):")
        for e in chk.errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
