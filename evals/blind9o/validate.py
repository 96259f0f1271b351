#!/usr/bin/env python3
"""Validate the 9o blind evaluation suite against CONTRACT.md (PyYAML only).

Checks: every suite file parses; every case has only contract keys with the right types; ids are unique and
prefixed 9o-; category equals the file name; expectations use only allowed values (status, verdict, rule ids,
drugs, severities, kinds, outcomes, dose units, missing-fact names, fact names and fact value types); cites and
dose frequencies are exact substrings of guideline.txt; numbers in answer_contains occur in the guideline;
a rule_id and kind given together agree; and a few consistency rules (controls are not critical, multi-turn tag
matches messages, no_decisions is not combined with decisions).

Usage: python3 validate.py [suite_dir]
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "suite")
GUIDELINE = open(os.path.join(HERE, "guideline.txt"), encoding="utf-8").read()
PREFIX = "9o-"

STATUSES = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICTS = {"dont", "cant_say", "go", "info"}
SEVERITIES = {"block", "caution", "info"}
OUTCOMES = {"decided", "not_covered", "needs_info"}
# The contract lists topic `pitfalls` but tags PITFALL-* rules "(pitfall)"; both spellings accepted here.
KINDS = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects", "concomitant",
         "response", "pitfalls", "pitfall", "overview"}
DRUGS = {"dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib", "cyclosporine",
         "methotrexate", "azathioprine", "mycophenolate", "systemic_corticosteroids"}
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug", "question",
           "pregnancy_or_planning"}

RULES = {
    "ELIG-SYSTEMIC": "eligibility", "PRE-CHECKLIST": "pre_systemic", "PRE-CONTACT-DERMATITIS": "pre_systemic",
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
    "AE-DUPILUMAB": "adverse_effects", "AE-CYCLOSPORINE": "adverse_effects", "AE-METHOTREXATE": "adverse_effects",
    "AE-MYCOPHENOLATE": "adverse_effects", "AE-CORTICOSTEROIDS": "adverse_effects",
    "CONCOMITANT-DUPILUMAB": "concomitant", "RESPONSE-DUPILUMAB": "response",
    "PITFALL-TOPICALS-FIRST": "pitfall", "PITFALL-CONTACT-DERMATITIS": "pitfall",
    "PITFALL-QUALITY-OF-LIFE": "pitfall", "PITFALL-ANTIHISTAMINES": "pitfall", "PITFALL-ANTIBIOTICS": "pitfall",
    "OVERVIEW": "overview", "SAFETY-PREGNANCY": "adverse_effects", "INFO-NOT-STATED": "overview",
}

# fact name -> (type tag, allowed enum values for enum / tuple items)
FACTS = {
    "age_years": ("float", None), "age_at_least_years": ("float", None), "age_below_years": ("float", None),
    "age_group": ("enum", {"adult", "child"}),
    "weight_kg": ("float", None), "weight_lb": ("float", None), "egfr": ("float", None),
    "ckd_stage": ("int", None), "severe_renal_impairment": ("bool", None), "bsa_percent": ("float", None),
    "iga": ("int", None), "pruritus_nrs": ("float", None), "qol_impaired": ("bool", None),
    "high_impact_areas": ("tuple", {"hands", "face", "eyelids"}), "sleep_disruption": ("bool", None),
    "psychosocial_impact": ("bool", None), "topical_trial_days": ("int", None),
    "topical_potency": ("enum", {"low", "medium", "high", "super_high"}), "topical_steroid": ("str", None),
    "severity_timepoints": ("int", None), "adherent": ("bool", None), "steroid_phobia": ("bool", None),
    "contact_dermatitis_excluded": ("bool", None), "refractory": ("bool", None),
    "lymphoma_excluded": ("bool", None), "bacterial_superinfection": ("bool", None),
    "eczema_herpeticum": ("bool", None), "infection_signs": ("tuple", None), "infection_treated": ("bool", None),
    "phototherapy_considered": ("bool", None), "phototherapy_accessible": ("bool", None),
    "route_preference": ("enum", {"oral", "injection"}),
    "first_line_barriers": ("tuple", {"unavailable", "unaffordable", "contraindicated"}),
    "pregnancy_or_planning": ("bool", None), "pregnancy_possible": ("bool", None),
    "current_drug": ("enum", DRUGS), "current_dose_mg": ("float", None), "inadequate_response": ("bool", None),
    "weeks_on_treatment": ("float", None), "acute_severe_flare": ("bool", None),
    "sex": ("enum", {"female", "male"}),
}

CASE_KEYS = {"id", "category", "question", "messages", "critical", "notes", "tags", "expect"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites", "answer_contains",
               "answer_excludes", "missing", "facts", "no_decisions"}
MATCHER_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_KEYS = {"phase", "low", "high", "unit", "route", "frequency", "patient_low_mg", "patient_high_mg",
             "per_dose_low_mg", "per_dose_high_mg", "tolerance"}
DOSE_NUM = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg", "per_dose_high_mg", "tolerance"}
GUIDELINE_NUMBERS = set(re.findall(r"\d+(?:\.\d+)?", GUIDELINE))

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_str_list(where, name, v):
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        err(where, f"{name} must be a list of non-empty strings")
        return False
    return True


def check_matcher(where, m):
    if not isinstance(m, dict) or not m:
        err(where, f"decision matcher must be a non-empty mapping, got {m!r}")
        return
    for k in m:
        if k not in MATCHER_KEYS:
            err(where, f"unknown decision matcher key {k!r}")
    if "rule_id" in m and m["rule_id"] not in RULES:
        err(where, f"unknown rule_id {m['rule_id']!r}")
    if "drug" in m and m["drug"] is not None and m["drug"] not in DRUGS:
        err(where, f"unknown drug {m['drug']!r}")
    if "severity" in m and m["severity"] not in SEVERITIES:
        err(where, f"bad severity {m['severity']!r}")
    if "kind" in m and m["kind"] not in KINDS:
        err(where, f"bad kind {m['kind']!r}")
    if "outcome" in m and m["outcome"] not in OUTCOMES:
        err(where, f"bad outcome {m['outcome']!r}")
    for b in ("primary", "no_doses"):
        if b in m and not isinstance(m[b], bool):
            err(where, f"{b} must be bool")
    if "rule_id" in m and "kind" in m and m["rule_id"] in RULES:
        rk = RULES[m["rule_id"]]
        if {rk, m["kind"]} != {rk} and not ({rk, m["kind"]} <= {"pitfall", "pitfalls"}):
            err(where, f"rule {m['rule_id']} has kind {rk}, matcher says {m['kind']}")
    if m.get("no_doses") is True and m.get("doses"):
        err(where, "no_doses: true together with doses")
    if "doses" in m:
        ds = m["doses"]
        if not isinstance(ds, list) or not ds:
            err(where, "doses must be a non-empty list")
            return
        for d in ds:
            if not isinstance(d, dict) or not d:
                err(where, f"dose must be a non-empty mapping, got {d!r}")
                continue
            for k, v in d.items():
                if k not in DOSE_KEYS:
                    err(where, f"unknown dose key {k!r}")
                elif k in DOSE_NUM and not is_num(v):
                    err(where, f"dose {k} must be a number")
            if "unit" in d and d["unit"] not in UNITS:
                err(where, f"bad dose unit {d['unit']!r}")
            if "frequency" in d and (not isinstance(d["frequency"], str) or d["frequency"] not in GUIDELINE):
                err(where, f"dose frequency {d.get('frequency')!r} is not worded as in the guideline")
            for lo, hi in (("low", "high"), ("patient_low_mg", "patient_high_mg"),
                           ("per_dose_low_mg", "per_dose_high_mg")):
                if is_num(d.get(lo)) and is_num(d.get(hi)) and d[lo] > d[hi]:
                    err(where, f"dose {lo} > {hi}")


def check_facts(where, facts):
    if not isinstance(facts, dict):
        err(where, "facts must be a mapping")
        return
    for k, v in facts.items():
        if k not in FACTS:
            err(where, f"unknown fact {k!r}")
            continue
        t, allowed = FACTS[k]
        if v is None:
            continue
        if t == "float" and not is_num(v):
            err(where, f"fact {k} must be a number")
        elif t == "int" and not (isinstance(v, int) and not isinstance(v, bool)):
            err(where, f"fact {k} must be an int")
        elif t == "bool" and not isinstance(v, bool):
            err(where, f"fact {k} must be bool")
        elif t == "str" and not isinstance(v, str):
            err(where, f"fact {k} must be a string")
        elif t == "enum" and v not in allowed:
            err(where, f"fact {k} value {v!r} not in {sorted(allowed)}")
        elif t == "tuple":
            if not isinstance(v, list):
                err(where, f"fact {k} must be a list")
            elif allowed and any(x not in allowed for x in v):
                err(where, f"fact {k} items must be in {sorted(allowed)}")


def check_expect(where, ex):
    if not isinstance(ex, dict):
        err(where, "expect must be a mapping")
        return
    for k in ex:
        if k not in EXPECT_KEYS:
            err(where, f"unknown expect key {k!r}")
    if "status" in ex and ex["status"] not in STATUSES:
        err(where, f"bad status {ex['status']!r}")
    if "verdict" in ex and ex["verdict"] not in VERDICTS:
        err(where, f"bad verdict {ex['verdict']!r}")
    for key in ("decisions", "decisions_absent"):
        if key in ex:
            if not isinstance(ex[key], list):
                err(where, f"{key} must be a list")
            else:
                for m in ex[key]:
                    check_matcher(f"{where} {key}", m)
    if "cites" in ex and check_str_list(where, "cites", ex["cites"]):
        for c in ex["cites"]:
            if c not in GUIDELINE:
                err(where, f"cite is not an exact substring of guideline.txt: {c!r}")
    for key in ("answer_contains", "answer_excludes"):
        if key in ex:
            check_str_list(where, key, ex[key])
    if isinstance(ex.get("answer_contains"), list):
        for s in ex["answer_contains"]:
            for alt in str(s).split("||"):
                for n in re.findall(r"\d+(?:\.\d+)?", alt):
                    if n not in GUIDELINE_NUMBERS:
                        err(where, f"answer_contains number {n} does not occur in the guideline")
    if "missing" in ex:
        if check_str_list(where, "missing", ex["missing"]):
            for x in ex["missing"]:
                if x not in MISSING:
                    err(where, f"unknown missing-fact name {x!r}")
    if "facts" in ex:
        check_facts(where, ex["facts"])
    if "no_decisions" in ex:
        if not isinstance(ex["no_decisions"], bool):
            err(where, "no_decisions must be bool")
        elif ex["no_decisions"] and ex.get("decisions"):
            err(where, "no_decisions: true together with decisions")
    # consistency with the contract's status/verdict mapping
    st, vd = ex.get("status"), ex.get("verdict")
    if st == "needs_info" and vd not in (None, "cant_say", "dont"):
        err(where, "needs_info with a verdict other than cant_say/dont")
    if st == "not_covered" and vd not in (None, "cant_say", "dont"):
        err(where, "not_covered with a verdict other than cant_say/dont")
    if vd in ("go", "cant_say", "info"):
        for m in ex.get("decisions", []) or []:
            if isinstance(m, dict) and m.get("severity") == "block":
                err(where, f"verdict {vd} but a block decision is required")
    if vd == "dont":
        for m in ex.get("decisions_absent", []) or []:
            if m == {"severity": "block"}:
                err(where, "verdict dont but every block is asserted absent")


def check_case(fname, idx, case, category, seen):
    where = f"{fname}[{idx}]"
    if not isinstance(case, dict):
        err(where, "case must be a mapping")
        return None
    cid = case.get("id")
    where = f"{fname}:{cid}"
    for k in case:
        if k not in CASE_KEYS:
            err(where, f"unknown case key {k!r}")
    if not isinstance(cid, str) or not cid.startswith(PREFIX):
        err(where, f"id must be a string starting with {PREFIX}")
    elif cid in seen:
        err(where, f"duplicate id (also in {seen[cid]})")
    else:
        seen[cid] = fname
    if case.get("category") != category:
        err(where, f"category {case.get('category')!r} != file name {category!r}")
    if not isinstance(case.get("critical"), bool):
        err(where, "critical must be bool")
    if not isinstance(case.get("notes"), str) or not case["notes"].strip():
        err(where, "notes must be a non-empty string (the guideline line relied on)")
    tags = case.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        err(where, "tags must be a list of strings")
        tags = []
    has_q, has_m = "question" in case, "messages" in case
    if has_q == has_m:
        err(where, "exactly one of question / messages is required")
    if has_q and (not isinstance(case["question"], str) or not case["question"].strip()):
        err(where, "question must be a non-empty string")
    if has_m:
        msgs = case["messages"]
        if not isinstance(msgs, list) or len(msgs) < 2:
            err(where, "messages must be a list of at least 2 turns")
        else:
            for j, t in enumerate(msgs):
                if isinstance(t, str):
                    if not t.strip():
                        err(where, f"turn {j} is empty")
                elif isinstance(t, dict):
                    for k in t:
                        if k not in ("say", "expect"):
                            err(where, f"turn {j}: unknown key {k!r}")
                    if not isinstance(t.get("say"), str) or not t["say"].strip():
                        err(where, f"turn {j}: say must be a non-empty string")
                    if "expect" in t:
                        check_expect(f"{where} turn {j}", t["expect"])
                else:
                    err(where, f"turn {j} must be a string or {{say, expect}}")
    if "expect" not in case:
        err(where, "expect is missing (nothing would be asserted)")
    else:
        check_expect(where, case["expect"])
        if not case["expect"]:
            err(where, "expect is empty")
    if "control" in tags and case.get("critical") is True:
        err(where, "a control case must have critical: false")
    if ("multi-turn" in tags) != has_m:
        err(where, "tag multi-turn must be present exactly when messages is used")
    return case


def main():
    if not os.path.isdir(SUITE):
        print(f"no suite directory {SUITE}")
        return 1
    files = sorted(f for f in os.listdir(SUITE) if f.endswith((".yaml", ".yml")))
    if not files:
        print("no YAML files")
        return 1
    seen = {}
    stats = {}
    for fname in files:
        path = os.path.join(SUITE, fname)
        category = os.path.splitext(fname)[0]
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as e:
            err(fname, f"YAML parse error: {e}")
            continue
        if not isinstance(data, list) or not data:
            err(fname, "file must be a non-empty list of cases")
            continue
        s = stats.setdefault(category, {"cases": 0, "critical": 0, "multi": 0, "controls": 0})
        for i, case in enumerate(data):
            c = check_case(fname, i, case, category, seen)
            if c is None:
                continue
            s["cases"] += 1
            s["critical"] += bool(c.get("critical") is True)
            s["multi"] += "messages" in c
            s["controls"] += "control" in (c.get("tags") or [])
    tot = {"cases": 0, "critical": 0, "multi": 0, "controls": 0}
    print(f"{'category':<16}{'cases':>6}{'critical':>9}{'multi':>6}{'controls':>9}")
    for cat, s in stats.items():
        print(f"{cat:<16}{s['cases']:>6}{s['critical']:>9}{s['multi']:>6}{s['controls']:>9}")
        for k in tot:
            tot[k] += s[k]
    print(f"{'TOTAL':<16}{tot['cases']:>6}{tot['critical']:>9}{tot['multi']:>6}{tot['controls']:>9}")
    if errors:
        print(f"\n{len(errors)} error(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: all files parse and all cases match the contract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
