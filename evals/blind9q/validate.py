#!/usr/bin/env python3
"""Validate the 9q blind evaluation suite against CONTRACT.md and guideline.txt.

Usage: python3 validate.py            (from anywhere; needs PyYAML only)

guideline.txt is looked up beside this file, in its parent directory, or in ../../guideline.txt.
Prints a category table and "OK", or the list of errors (exit status 1).
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- contract vocabulary
CASE_KEYS = {"id", "category", "question", "messages", "critical", "notes", "tags", "expect"}
REQUIRED_CASE_KEYS = {"id", "category", "critical", "expect"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites", "answer_contains",
               "answer_excludes", "missing", "facts", "no_decisions"}
DECISION_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_KEYS = {"phase", "low", "high", "unit", "route", "frequency", "patient_low_mg", "patient_high_mg",
             "per_dose_low_mg", "per_dose_high_mg", "tolerance"}
DOSE_NUMERIC = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
                "per_dose_high_mg", "tolerance"}

STATUSES = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICTS = {"dont", "cant_say", "go", "info"}
SEVERITIES = {"block", "caution", "info"}
OUTCOMES = {"decided", "not_covered", "needs_info"}
KINDS = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
         "concomitant", "response", "pitfalls", "overview"}
DRUGS = ["dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib", "cyclosporine",
         "methotrexate", "azathioprine", "mycophenolate", "systemic_corticosteroids"]
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug",
           "question", "pregnancy_or_planning"}

# rule id -> kind, as listed in the contract.  The contract lists the PITFALL-* rules as
# "(pitfall)" while the topic list spells the kind "pitfalls"; both spellings are accepted
# for agreement, but only the topic-list spelling is accepted as a `kind` value.
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
KIND_ALIASES = {"pitfall": "pitfalls"}

# fact name -> (type, allowed values for enums / tuple members)
FLOAT, INT, BOOL, STR, ENUM, TUPLE = "float", "int", "bool", "str", "enum", "tuple"
FACTS = {
    "age_years": (FLOAT, None), "age_at_least_years": (FLOAT, None), "age_below_years": (FLOAT, None),
    "age_group": (ENUM, {"adult", "child"}),
    "weight_kg": (FLOAT, None), "weight_lb": (FLOAT, None), "weight_below_kg": (FLOAT, None),
    "egfr": (FLOAT, None), "ckd_stage": (INT, None), "severe_renal_impairment": (BOOL, None),
    "bsa_percent": (FLOAT, None), "iga": (INT, None), "pruritus_nrs": (FLOAT, None),
    "qol_impaired": (BOOL, None),
    "high_impact_areas": (TUPLE, {"hands", "face", "eyelids"}),
    "sleep_disruption": (BOOL, None), "psychosocial_impact": (BOOL, None),
    "topical_trial_days": (INT, None),
    "topical_potency": (ENUM, {"low", "medium", "high", "super_high"}),
    "topical_steroid": (STR, None), "severity_timepoints": (INT, None), "adherent": (BOOL, None),
    "steroid_phobia": (BOOL, None), "contact_dermatitis_excluded": (BOOL, None),
    "refractory": (BOOL, None), "lymphoma_excluded": (BOOL, None),
    "bacterial_superinfection": (BOOL, None), "eczema_herpeticum": (BOOL, None),
    "infection_signs": (TUPLE, None), "infection_treated": (BOOL, None),
    "phototherapy_considered": (BOOL, None), "phototherapy_accessible": (BOOL, None),
    "route_preference": (ENUM, {"oral", "injection"}),
    "first_line_barriers": (TUPLE, {"unavailable", "unaffordable", "contraindicated"}),
    "pregnancy_or_planning": (BOOL, None), "pregnancy_possible": (BOOL, None),
    "current_drug": (ENUM, set(DRUGS)), "current_dose_mg": (FLOAT, None),
    "inadequate_response": (BOOL, None), "weeks_on_treatment": (FLOAT, None),
    "acute_severe_flare": (BOOL, None), "sex": (ENUM, {"female", "male"}),
}
# enum facts whose type line in the contract does not admit None
ENUM_NOT_NULL = {"age_group", "topical_potency", "route_preference", "current_drug"}

NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def find_guideline():
    for cand in (os.path.join(HERE, "guideline.txt"),
                 os.path.join(os.path.dirname(HERE), "guideline.txt"),
                 os.path.join(HERE, "..", "..", "guideline.txt")):
        if os.path.isfile(cand):
            return os.path.abspath(cand)
    return None


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Checker:
    def __init__(self, guideline):
        self.g = guideline
        self.g_nums = set(NUM_RE.findall(guideline))
        self.g_floats = {float(x) for x in self.g_nums}
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    # ------------------------------------------------------------ pieces
    def check_dose(self, where, d):
        if not isinstance(d, dict) or not d:
            self.err(where, f"dose must be a non-empty mapping, got {d!r}")
            return
        for k, v in d.items():
            if k not in DOSE_KEYS:
                self.err(where, f"unknown dose key {k!r}")
            elif k in DOSE_NUMERIC:
                if not is_num(v):
                    self.err(where, f"dose {k} must be a number, got {v!r}")
            elif k == "unit":
                if v not in UNITS:
                    self.err(where, f"dose unit {v!r} not in {sorted(UNITS)}")
            elif k == "frequency":
                if not isinstance(v, str) or v not in self.g:
                    self.err(where, f"frequency {v!r} is not an exact substring of guideline.txt")
            elif k in ("phase", "route"):
                if not isinstance(v, str) or not v:
                    self.err(where, f"dose {k} must be a non-empty string")
        for lo, hi in (("low", "high"), ("patient_low_mg", "patient_high_mg"),
                       ("per_dose_low_mg", "per_dose_high_mg")):
            if is_num(d.get(lo)) and is_num(d.get(hi)) and d[lo] > d[hi]:
                self.err(where, f"dose {lo} > {hi}")

    def check_decision(self, where, dec):
        if not isinstance(dec, dict) or not dec:
            self.err(where, f"decision must be a non-empty mapping, got {dec!r}")
            return
        for k, v in dec.items():
            if k not in DECISION_KEYS:
                self.err(where, f"unknown decision key {k!r}")
            elif k == "rule_id" and v not in RULES:
                self.err(where, f"unknown rule_id {v!r}")
            elif k == "drug" and v is not None and v not in DRUGS:
                self.err(where, f"unknown drug {v!r}")
            elif k == "severity" and v not in SEVERITIES:
                self.err(where, f"bad severity {v!r}")
            elif k == "kind" and v not in KINDS:
                self.err(where, f"bad kind {v!r}")
            elif k == "outcome" and v not in OUTCOMES:
                self.err(where, f"bad outcome {v!r}")
            elif k in ("primary", "no_doses") and not isinstance(v, bool):
                self.err(where, f"{k} must be a boolean")
            elif k == "doses":
                if not isinstance(v, list) or not v:
                    self.err(where, "doses must be a non-empty list")
                else:
                    for i, d in enumerate(v):
                        self.check_dose(f"{where}.doses[{i}]", d)
        if "rule_id" in dec and "kind" in dec and dec["rule_id"] in RULES:
            rk = RULES[dec["rule_id"]]
            if KIND_ALIASES.get(rk, rk) != KIND_ALIASES.get(dec["kind"], dec["kind"]):
                self.err(where, f"rule_id {dec['rule_id']} is kind {rk}, not {dec['kind']}")
        if dec.get("no_doses") is True and "doses" in dec:
            self.err(where, "no_doses: true together with doses")

    def check_fact(self, where, name, v):
        if name not in FACTS:
            self.err(where, f"unknown fact {name!r}")
            return
        typ, allowed = FACTS[name]
        if v is None:
            if name in ENUM_NOT_NULL:
                self.err(where, f"fact {name} cannot be null")
            return
        if typ == FLOAT and not is_num(v):
            self.err(where, f"fact {name} must be a number, got {v!r}")
        elif typ == INT and not (isinstance(v, int) and not isinstance(v, bool)):
            self.err(where, f"fact {name} must be an integer, got {v!r}")
        elif typ == BOOL and not isinstance(v, bool):
            self.err(where, f"fact {name} must be a boolean, got {v!r}")
        elif typ == STR and not isinstance(v, str):
            self.err(where, f"fact {name} must be a string, got {v!r}")
        elif typ == ENUM and v not in allowed:
            self.err(where, f"fact {name}={v!r} not in {sorted(allowed)}")
        elif typ == TUPLE:
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                self.err(where, f"fact {name} must be a list of strings")
            elif allowed and any(x not in allowed for x in v):
                self.err(where, f"fact {name} has values outside {sorted(allowed)}")

    def check_strings(self, where, key, v):
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.err(where, f"{key} must be a list of non-empty strings")
            return False
        return True

    def check_expect(self, where, e):
        if not isinstance(e, dict):
            self.err(where, "expect must be a mapping")
            return
        for k in e:
            if k not in EXPECT_KEYS:
                self.err(where, f"unknown expect key {k!r}")
        status, verdict = e.get("status"), e.get("verdict")
        if status is not None and status not in STATUSES:
            self.err(where, f"bad status {status!r}")
        if verdict is not None and verdict not in VERDICTS:
            self.err(where, f"bad verdict {verdict!r}")
        for key in ("decisions", "decisions_absent"):
            if key in e:
                if not isinstance(e[key], list):
                    self.err(where, f"{key} must be a list")
                else:
                    for i, dec in enumerate(e[key]):
                        self.check_decision(f"{where}.{key}[{i}]", dec)
        if "cites" in e and self.check_strings(where, "cites", e["cites"]):
            for c in e["cites"]:
                if c not in self.g:
                    self.err(where, f"cite not an exact substring of guideline.txt: {c!r}")
        if "answer_contains" in e and self.check_strings(where, "answer_contains", e["answer_contains"]):
            for s in e["answer_contains"]:
                for alt in s.split("||"):
                    for n in NUM_RE.findall(alt):
                        if n not in self.g_nums and float(n) not in self.g_floats:
                            self.err(where, f"number {n} in answer_contains {s!r} is not in guideline.txt")
        if "answer_excludes" in e:
            self.check_strings(where, "answer_excludes", e["answer_excludes"])
        if "missing" in e:
            if not isinstance(e["missing"], list):
                self.err(where, "missing must be a list")
            else:
                for m in e["missing"]:
                    if m not in MISSING:
                        self.err(where, f"unknown missing-fact name {m!r}")
        if "facts" in e:
            if not isinstance(e["facts"], dict):
                self.err(where, "facts must be a mapping")
            else:
                for name, v in e["facts"].items():
                    self.check_fact(where, name, v)
        if "no_decisions" in e and not isinstance(e["no_decisions"], bool):
            self.err(where, "no_decisions must be a boolean")

        # ---- consistency
        decs = e.get("decisions") or []
        absent = e.get("decisions_absent") or []
        blocks = [d for d in decs if isinstance(d, dict) and d.get("severity") == "block"]
        if blocks and verdict is not None and verdict != "dont":
            self.err(where, f"a block is required but verdict is {verdict!r} (must be dont)")
        if verdict == "dont" and any(isinstance(d, dict) and d == {"severity": "block"} for d in absent):
            self.err(where, "verdict dont but every block is declared absent")
        if verdict == "dont" and not blocks and status in ("out_of_scope", "refused"):
            self.err(where, f"verdict dont with status {status}")
        if status == "answered" and verdict == "cant_say":
            self.err(where, "status answered with verdict cant_say")
        if status in ("needs_info", "not_covered") and verdict in ("go", "info"):
            self.err(where, f"status {status} with verdict {verdict}")
        if verdict == "cant_say" and status not in (None, "needs_info", "not_covered"):
            self.err(where, f"verdict cant_say with status {status}")
        if status == "needs_info" and not e.get("missing") and verdict != "dont":
            self.err(where, "needs_info without the missing facts it asks for")
        if e.get("no_decisions") is True and decs:
            self.err(where, "no_decisions: true with required decisions")
        if e.get("no_decisions") is True and status not in (None, "out_of_scope", "refused"):
            self.err(where, f"no_decisions with status {status}")
        if status in ("out_of_scope", "refused") and blocks:
            self.err(where, f"status {status} with a required block")
        for d in decs:
            if isinstance(d, dict) and d in absent:
                self.err(where, f"decision {d} both required and absent")

    # ------------------------------------------------------------ case
    def check_case(self, fname, category, idx, case, ids):
        where = f"{fname}[{idx}]"
        if not isinstance(case, dict):
            self.err(where, "case must be a mapping")
            return None
        cid = case.get("id")
        if isinstance(cid, str):
            where = f"{fname}:{cid}"
        for k in case:
            if k not in CASE_KEYS:
                self.err(where, f"unknown case key {k!r}")
        for k in REQUIRED_CASE_KEYS:
            if k not in case:
                self.err(where, f"missing key {k!r}")
        if not isinstance(cid, str) or not cid.startswith("9q-"):
            self.err(where, f"id must be a string starting with '9q-', got {cid!r}")
        elif cid in ids:
            self.err(where, f"duplicate id (also in {ids[cid]})")
        else:
            ids[cid] = fname
        if case.get("category") != category:
            self.err(where, f"category {case.get('category')!r} != file name {category!r}")
        if not isinstance(case.get("critical"), bool):
            self.err(where, "critical must be a boolean")
        if "notes" in case and not isinstance(case["notes"], str):
            self.err(where, "notes must be a string")
        tags = case.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.err(where, "tags must be a list of strings")
            tags = []
        has_q, has_m = "question" in case, "messages" in case
        if has_q == has_m:
            self.err(where, "exactly one of question / messages is required")
        if has_q and (not isinstance(case["question"], str) or not case["question"].strip()):
            self.err(where, "question must be a non-empty string")
        if has_m:
            msgs = case["messages"]
            if not isinstance(msgs, list) or len(msgs) < 2:
                self.err(where, "messages must be a list of at least two turns")
            else:
                for i, m in enumerate(msgs):
                    mw = f"{where}.messages[{i}]"
                    if isinstance(m, str):
                        if not m.strip():
                            self.err(mw, "empty turn")
                    elif isinstance(m, dict):
                        extra = set(m) - {"say", "expect"}
                        if extra:
                            self.err(mw, f"unknown turn keys {sorted(extra)}")
                        if not isinstance(m.get("say"), str) or not m["say"].strip():
                            self.err(mw, "turn needs a non-empty 'say'")
                        if "expect" in m:
                            if i == len(msgs) - 1:
                                self.err(mw, "last turn must use the top-level expect")
                            self.check_expect(mw + ".expect", m["expect"])
                    else:
                        self.err(mw, "turn must be a string or {say, expect}")
        if ("multi-turn" in tags) != has_m:
            self.err(where, "tag 'multi-turn' must be present exactly when messages is used")
        is_control = "control" in tags
        if is_control and case.get("critical") is not False:
            self.err(where, "a control must have critical: false")
        if "expect" in case:
            self.check_expect(where + ".expect", case["expect"])
        return {"critical": case.get("critical") is True, "multi": has_m, "control": is_control}


def main():
    gpath = find_guideline()
    if not gpath:
        print("ERROR: guideline.txt not found beside validate.py, in its parent, or in ../../")
        return 1
    with open(gpath, encoding="utf-8") as f:
        chk = Checker(f.read())
    files = sorted(x for x in os.listdir(HERE) if x.endswith((".yaml", ".yml")))
    if not files:
        chk.err(HERE, "no YAML files")
    ids, table = {}, []
    for fname in files:
        category = fname.rsplit(".", 1)[0]
        try:
            with open(os.path.join(HERE, fname), encoding="utf-8") as f:
                data = yaml.safe_load(f)
        except yaml.YAMLError as exc:
            chk.err(fname, f"YAML parse error: {exc}")
            continue
        if not isinstance(data, list) or not data:
            chk.err(fname, "file must hold a non-empty list of cases")
            continue
        row = {"cases": 0, "critical": 0, "multi": 0, "control": 0}
        for i, case in enumerate(data):
            r = chk.check_case(fname, category, i, case, ids)
            row["cases"] += 1
            if r:
                row["critical"] += r["critical"]
                row["multi"] += r["multi"]
                row["control"] += r["control"]
        table.append((category, row))

    hdr = f"{'category':<16}{'cases':>7}{'critical':>10}{'multi-turn':>12}{'controls':>10}"
    print(hdr)
    print("-" * len(hdr))
    tot = {"cases": 0, "critical": 0, "multi": 0, "control": 0}
    for cat, r in table:
        print(f"{cat:<16}{r['cases']:>7}{r['critical']:>10}{r['multi']:>12}{r['control']:>10}")
        for k in tot:
            tot[k] += r[k]
    print("-" * len(hdr))
    print(f"{'total':<16}{tot['cases']:>7}{tot['critical']:>10}{tot['multi']:>12}{tot['control']:>10}")
    print(f"guideline: {gpath}")
    if chk.errors:
        print(f"\n{len(chk.errors)} error(s):")
        for e in chk.errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
