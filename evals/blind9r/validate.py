#!/usr/bin/env python3
"""Static validator for the 9r blind evaluation suite (PyYAML only).

Usage:  python3 validate.py            (run from anywhere)

Looks for guideline.txt beside this file, in its parent directory, or at ../../guideline.txt,
loads every <category>.yaml beside this file, checks each case against the case format of
CONTRACT.md, prints a per-category table and either "OK" or the list of errors.
Exit status 0 on OK, 1 on errors.
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "9r-"

CATEGORIES = ["population", "renal_age", "infection", "topical_trial", "pregnancy",
              "corticosteroids", "pitfalls", "doses", "conversation", "refusal_scope"]

# ---- contract vocabulary -------------------------------------------------------------
STATUSES = {"answered", "needs_info", "not_covered", "out_of_scope", "refused"}
VERDICTS = {"dont", "cant_say", "go", "info"}
SEVERITIES = {"block", "caution", "info"}
OUTCOMES = {"decided", "not_covered", "needs_info"}
KINDS = {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
         "concomitant", "response", "pitfalls", "overview"}
DRUGS = {"dupilumab", "tralokinumab", "upadacitinib", "abrocitinib", "baricitinib",
         "cyclosporine", "methotrexate", "azathioprine", "mycophenolate",
         "systemic_corticosteroids"}
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug",
           "question", "pregnancy_or_planning"}
UNITS = {"mg", "g", "mg/kg/day", "mg/kg"}

# rule_id -> kind.  The contract lists the PITFALL-* rules as "(pitfall)" while its topic
# list spells the kind "pitfalls"; the topic name is the enum, so "pitfalls" is accepted.
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
    "PITFALL-TOPICALS-FIRST": "pitfalls",
    "PITFALL-CONTACT-DERMATITIS": "pitfalls",
    "PITFALL-QUALITY-OF-LIFE": "pitfalls",
    "PITFALL-ANTIHISTAMINES": "pitfalls",
    "PITFALL-ANTIBIOTICS": "pitfalls",
    "OVERVIEW": "overview",
    "SAFETY-PREGNANCY": "adverse_effects",
    "INFO-NOT-STATED": "overview",
}

NUM = "num"
INT = "int"
BOOL = "bool"
STR = "str"
FACTS = {
    "age_years": NUM, "age_at_least_years": NUM, "age_below_years": NUM,
    "age_group": {"adult", "child"},
    "weight_kg": NUM, "weight_lb": NUM, "weight_below_kg": NUM,
    "egfr": NUM, "ckd_stage": INT, "severe_renal_impairment": BOOL,
    "bsa_percent": NUM, "iga": INT, "pruritus_nrs": NUM, "qol_impaired": BOOL,
    "high_impact_areas": ("tuple", {"hands", "face", "eyelids"}),
    "sleep_disruption": BOOL, "psychosocial_impact": BOOL,
    "topical_trial_days": INT,
    "topical_potency": {"low", "medium", "high", "super_high"},
    "topical_steroid": STR, "severity_timepoints": INT, "adherent": BOOL,
    "steroid_phobia": BOOL, "contact_dermatitis_excluded": BOOL, "refractory": BOOL,
    "lymphoma_excluded": BOOL, "bacterial_superinfection": BOOL, "eczema_herpeticum": BOOL,
    "infection_signs": ("tuple", None), "infection_treated": BOOL,
    "phototherapy_considered": BOOL, "phototherapy_accessible": BOOL,
    "route_preference": {"oral", "injection"},
    "first_line_barriers": ("tuple", {"unavailable", "unaffordable", "contraindicated"}),
    "pregnancy_or_planning": BOOL, "pregnancy_possible": BOOL,
    "current_drug": DRUGS, "current_dose_mg": NUM, "inadequate_response": BOOL,
    "weeks_on_treatment": NUM, "acute_severe_flare": BOOL,
    "sex": {"female", "male"},
}
# enum facts that the contract marks as nullable
NULLABLE_ENUM = {"sex"}

CASE_KEYS = {"id": str, "category": str, "question": str, "messages": list,
             "critical": bool, "notes": str, "tags": list, "expect": dict}
REQUIRED_CASE_KEYS = {"id", "category", "critical", "expect"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites",
               "answer_contains", "answer_excludes", "missing", "facts", "no_decisions"}
DECISION_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_NUM_KEYS = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
                 "per_dose_high_mg", "tolerance"}
DOSE_STR_KEYS = {"phase", "unit", "route", "frequency"}

NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def find_guideline():
    for cand in (os.path.join(HERE, "guideline.txt"),
                 os.path.join(HERE, "..", "guideline.txt"),
                 os.path.join(HERE, "..", "..", "guideline.txt")):
        if os.path.isfile(cand):
            return os.path.normpath(cand)
    return None


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Validator:
    def __init__(self, guideline):
        self.g = guideline
        self.gnums = set(NUM_RE.findall(guideline))
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    # ---- pieces ----------------------------------------------------------------------
    def check_fact(self, where, name, value):
        if name not in FACTS:
            self.err(where, f"unknown fact '{name}'")
            return
        spec = FACTS[name]
        if value is None:
            return  # every fact is nullable in the contract except plain enums; allow null
        if spec == NUM:
            ok = is_num(value)
        elif spec == INT:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif spec == BOOL:
            ok = isinstance(value, bool)
        elif spec == STR:
            ok = isinstance(value, str)
        elif isinstance(spec, tuple):
            allowed = spec[1]
            ok = isinstance(value, list) and all(isinstance(x, str) for x in value) and \
                (allowed is None or all(x in allowed for x in value))
        else:
            ok = isinstance(value, str) and value in spec
        if not ok:
            self.err(where, f"fact '{name}' has invalid value {value!r}")

    def check_dose(self, where, d):
        if not isinstance(d, dict):
            self.err(where, "dose expectation must be a mapping")
            return
        for k, v in d.items():
            if k in DOSE_NUM_KEYS:
                if not is_num(v):
                    self.err(where, f"dose '{k}' must be a number")
            elif k in DOSE_STR_KEYS:
                if not isinstance(v, str):
                    self.err(where, f"dose '{k}' must be a string")
                elif k == "unit" and v not in UNITS:
                    self.err(where, f"dose unit '{v}' not in {sorted(UNITS)}")
                elif k == "frequency" and v not in self.g:
                    self.err(where, f"frequency '{v}' is not an exact substring of the guideline")
            else:
                self.err(where, f"unknown dose key '{k}'")
        for lo, hi in (("low", "high"), ("patient_low_mg", "patient_high_mg"),
                       ("per_dose_low_mg", "per_dose_high_mg")):
            if is_num(d.get(lo)) and is_num(d.get(hi)) and d[lo] > d[hi]:
                self.err(where, f"dose {lo} > {hi}")

    def check_decision(self, where, dec):
        if not isinstance(dec, dict) or not dec:
            self.err(where, "decision expectation must be a non-empty mapping")
            return
        for k, v in dec.items():
            if k not in DECISION_KEYS:
                self.err(where, f"unknown decision key '{k}'")
            elif k == "rule_id":
                if v not in RULES:
                    self.err(where, f"unknown rule_id '{v}'")
            elif k == "drug":
                if v is not None and v not in DRUGS:
                    self.err(where, f"unknown drug '{v}'")
            elif k == "severity":
                if v not in SEVERITIES:
                    self.err(where, f"unknown severity '{v}'")
            elif k == "kind":
                if v not in KINDS:
                    self.err(where, f"unknown kind '{v}'")
            elif k == "outcome":
                if v not in OUTCOMES:
                    self.err(where, f"unknown outcome '{v}'")
            elif k in ("primary", "no_doses"):
                if not isinstance(v, bool):
                    self.err(where, f"decision '{k}' must be a boolean")
            elif k == "doses":
                if not isinstance(v, list) or not v:
                    self.err(where, "decision 'doses' must be a non-empty list")
                else:
                    for i, d in enumerate(v):
                        self.check_dose(f"{where}.doses[{i}]", d)
        if "rule_id" in dec and "kind" in dec and dec["rule_id"] in RULES \
                and RULES[dec["rule_id"]] != dec["kind"]:
            self.err(where, f"rule_id {dec['rule_id']} has kind {RULES[dec['rule_id']]}, "
                            f"not {dec['kind']}")
        if dec.get("no_doses") is True and dec.get("doses"):
            self.err(where, "no_doses: true together with doses")

    def check_expect(self, where, exp):
        if not isinstance(exp, dict):
            self.err(where, "expect must be a mapping")
            return
        for k in exp:
            if k not in EXPECT_KEYS:
                self.err(where, f"unknown expect key '{k}'")
        status = exp.get("status")
        verdict = exp.get("verdict")
        if status is not None and status not in STATUSES:
            self.err(where, f"unknown status '{status}'")
        if verdict is not None and verdict not in VERDICTS:
            self.err(where, f"unknown verdict '{verdict}'")
        decs = exp.get("decisions", [])
        absent = exp.get("decisions_absent", [])
        for key, lst in (("decisions", decs), ("decisions_absent", absent)):
            if not isinstance(lst, list):
                self.err(where, f"'{key}' must be a list")
                continue
            for i, d in enumerate(lst):
                self.check_decision(f"{where}.{key}[{i}]", d)
        if isinstance(decs, list) and isinstance(absent, list):
            for d in decs:
                if d in absent:
                    self.err(where, f"decision {d} is both required and absent")
        for key in ("cites", "answer_contains", "answer_excludes"):
            v = exp.get(key, [])
            if not isinstance(v, list) or not all(isinstance(s, str) and s for s in v):
                self.err(where, f"'{key}' must be a list of non-empty strings")
                exp[key] = []
        for c in exp.get("cites", []):
            if c not in self.g:
                self.err(where, f"cite is not an exact substring of the guideline: {c!r}")
        for s in exp.get("answer_contains", []):
            for alt in s.split("||"):
                for n in NUM_RE.findall(alt):
                    if n not in self.gnums:
                        self.err(where, f"number {n} in answer_contains does not occur in "
                                        f"the guideline")
        miss = exp.get("missing", [])
        if not isinstance(miss, list):
            self.err(where, "'missing' must be a list")
            miss = []
        for m in miss:
            if m not in MISSING:
                self.err(where, f"unknown missing-fact name '{m}'")
        facts = exp.get("facts", {})
        if not isinstance(facts, dict):
            self.err(where, "'facts' must be a mapping")
        else:
            for n, v in facts.items():
                self.check_fact(f"{where}.facts", n, v)
        nd = exp.get("no_decisions")
        if nd is not None and not isinstance(nd, bool):
            self.err(where, "'no_decisions' must be a boolean")

        # ---- consistency of verdict / status / required blocks ----
        has_block = isinstance(decs, list) and any(
            isinstance(d, dict) and d.get("severity") == "block" for d in decs)
        if has_block and verdict is not None and verdict != "dont":
            self.err(where, f"a block is required but verdict is '{verdict}' (must be dont)")
        if verdict == "dont" and not has_block:
            self.err(where, "verdict dont but no required decision with severity block")
        if verdict == "go" and status is not None and status != "answered":
            self.err(where, f"verdict go with status '{status}'")
        if verdict == "cant_say" and status is not None and status not in ("needs_info",
                                                                          "not_covered"):
            self.err(where, f"verdict cant_say with status '{status}'")
        if status in ("needs_info", "not_covered") and not has_block and verdict is not None \
                and verdict != "cant_say":
            self.err(where, f"status {status} without a block needs verdict cant_say")
        if status in ("out_of_scope", "refused") and verdict in ("go", "dont", "cant_say"):
            self.err(where, f"status {status} with verdict {verdict}")
        if status == "out_of_scope" and decs:
            self.err(where, "out_of_scope with required decisions")
        if nd is True and (decs or miss):
            self.err(where, "no_decisions: true with required decisions or missing facts")
        if miss and status is not None and status != "needs_info" and not has_block:
            self.err(where, f"missing facts listed but status is '{status}'")
        if status == "needs_info" and not miss:
            self.err(where, "status needs_info without the missing fact(s) named")

    # ---- a case ----------------------------------------------------------------------
    def check_case(self, fname, idx, case, seen):
        where = f"{fname}[{idx}]"
        if not isinstance(case, dict):
            self.err(where, "case must be a mapping")
            return None
        cid = case.get("id")
        if isinstance(cid, str):
            where = f"{fname}:{cid}"
        for k, v in case.items():
            if k not in CASE_KEYS:
                self.err(where, f"unknown case key '{k}'")
            elif not isinstance(v, CASE_KEYS[k]):
                self.err(where, f"case key '{k}' must be {CASE_KEYS[k].__name__}")
        for k in REQUIRED_CASE_KEYS:
            if k not in case:
                self.err(where, f"missing required key '{k}'")
        if isinstance(cid, str):
            if not cid.startswith(PREFIX):
                self.err(where, f"id does not start with '{PREFIX}'")
            if cid in seen:
                self.err(where, f"duplicate id (also in {seen[cid]})")
            seen[cid] = fname
        cat = os.path.splitext(fname)[0]
        if case.get("category") != cat:
            self.err(where, f"category '{case.get('category')}' != file name '{cat}'")
        hq, hm = "question" in case, "messages" in case
        if hq == hm:
            self.err(where, "exactly one of question / messages is required")
        if hq and isinstance(case.get("question"), str) and not case["question"].strip():
            self.err(where, "empty question")
        tags = case.get("tags", []) if isinstance(case.get("tags", []), list) else []
        if not all(isinstance(t, str) for t in tags):
            self.err(where, "tags must be strings")
        if len(set(tags)) != len(tags):
            self.err(where, "duplicate tags")
        if hm and "multi-turn" not in tags:
            self.err(where, "case uses messages but lacks the 'multi-turn' tag")
        if hq and "multi-turn" in tags:
            self.err(where, "'multi-turn' tag on a single-question case")
        if "control" in tags and case.get("critical") is not False:
            self.err(where, "control case must have critical: false")
        if hm and isinstance(case.get("messages"), list):
            msgs = case["messages"]
            if len(msgs) < 2:
                self.err(where, "messages needs at least two turns")
            for i, m in enumerate(msgs):
                mw = f"{where}.messages[{i}]"
                if isinstance(m, str):
                    if not m.strip():
                        self.err(mw, "empty turn")
                elif isinstance(m, dict):
                    for k in m:
                        if k not in ("say", "expect"):
                            self.err(mw, f"unknown turn key '{k}'")
                    if not isinstance(m.get("say"), str) or not m["say"].strip():
                        self.err(mw, "turn needs a non-empty 'say'")
                    if "expect" in m:
                        if i == len(msgs) - 1:
                            self.err(mw, "last turn must not carry its own expect "
                                         "(the top-level expect applies to it)")
                        self.check_expect(f"{mw}.expect", m["expect"])
                else:
                    self.err(mw, "turn must be a string or {say, expect}")
        if "expect" in case:
            self.check_expect(f"{where}.expect", case["expect"])
        return case


def main():
    gpath = find_guideline()
    if not gpath:
        print("ERROR: guideline.txt not found beside validate.py, in its parent, "
              "or at ../../guideline.txt")
        return 1
    with open(gpath, encoding="utf-8") as fh:
        guideline = fh.read()
    v = Validator(guideline)
    seen = {}
    rows = []
    files = sorted(f for f in os.listdir(HERE) if f.endswith(".yaml"))
    present = {os.path.splitext(f)[0] for f in files}
    for cat in CATEGORIES:
        if cat not in present:
            v.err(f"{cat}.yaml", "category file missing")
    order = [c for c in CATEGORIES if c in present] + sorted(present - set(CATEGORIES))
    for cat in order:
        fname = cat + ".yaml"
        if cat not in CATEGORIES:
            v.err(fname, "unexpected category file")
        try:
            with open(os.path.join(HERE, fname), encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as e:
            v.err(fname, f"YAML parse error: {e}")
            continue
        if not isinstance(data, list) or not data:
            v.err(fname, "file must hold a non-empty list of cases")
            continue
        n = crit = mt = ctl = 0
        for i, case in enumerate(data):
            c = v.check_case(fname, i, case, seen)
            if not isinstance(c, dict):
                continue
            n += 1
            crit += c.get("critical") is True
            mt += "messages" in c
            ctl += "control" in (c.get("tags") or [])
        rows.append((cat, n, crit, mt, ctl))

    hdr = ("category", "cases", "critical", "multi-turn", "controls")
    w = max([len(hdr[0])] + [len(r[0]) for r in rows] + [5])
    print(f"guideline: {gpath}")
    print(f"{hdr[0]:<{w}}  {hdr[1]:>5}  {hdr[2]:>8}  {hdr[3]:>10}  {hdr[4]:>8}")
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:>5}  {r[2]:>8}  {r[3]:>10}  {r[4]:>8}")
    tot = [sum(r[i] for r in rows) for i in range(1, 5)]
    print(f"{'total':<{w}}  {tot[0]:>5}  {tot[1]:>8}  {tot[2]:>10}  {tot[3]:>8}")
    if v.errors:
        print(f"\n{len(v.errors)} error(s):")
        for e in v.errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
