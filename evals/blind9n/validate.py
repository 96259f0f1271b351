#!/usr/bin/env python3
"""Validate the blind adguide suite in ./suite against CONTRACT.md's case format.

Checks: top-level keys, category == file name, unique ids with the suite prefix,
question XOR messages, per-turn {say, expect}, allowed expect keys, statuses,
verdicts, decision matcher keys and values (rule ids, kinds, drugs, severities,
outcomes, dose keys and units), fact names and value types, missing-fact names,
cites as exact substrings of guideline.txt, and quoted fragments in notes as
exact substrings of guideline.txt or CONTRACT.md.

Usage: python3 validate.py [suite_dir]      (PyYAML only)
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "suite")
GUIDELINE = open(os.path.join(HERE, "guideline.txt"), encoding="utf-8").read()
CONTRACT = open(os.path.join(HERE, "CONTRACT.md"), encoding="utf-8").read()
PREFIX = "9n-"
FLAT_GUIDELINE = " ".join(GUIDELINE.split())
FLAT_CONTRACT = " ".join(CONTRACT.split())

# ---- vocabulary, exactly as CONTRACT.md lists it ---------------------------------
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
MISSING = {"weight", "age_years", "renal_function", "severity", "topical_trial_days", "drug",
           "question", "pregnancy_or_planning"}

RULES = {
    "ELIG-SYSTEMIC": "eligibility", "PRE-CHECKLIST": "pre_systemic",
    "PRE-CONTACT-DERMATITIS": "pre_systemic", "PRE-LYMPHOMA": "pre_systemic",
    "PRE-BACTERIAL-INFECTION": "pre_systemic", "PRE-ECZEMA-HERPETICUM": "pre_systemic",
    "PRE-ADHERENCE": "pre_systemic", "PRE-DOCUMENT-SEVERITY": "pre_systemic",
    "PRE-PHOTOTHERAPY": "pre_systemic", "CHOICE-FIRST-LINE": "choice",
    "CHOICE-DUPILUMAB": "choice", "CHOICE-TRALOKINUMAB": "choice", "CHOICE-JAK": "choice",
    "CHOICE-ORAL-PREFERENCE": "choice", "CHOICE-SECOND-LINE": "choice",
    "CHOICE-CYCLOSPORINE-RAPID": "choice", "CHOICE-CORTICOSTEROIDS-AGAINST": "choice",
    "DOSE-DUPILUMAB": "dose", "DOSE-UPADACITINIB": "dose",
    "DOSE-UPADACITINIB-ESCALATION": "dose", "DOSE-CYCLOSPORINE": "dose",
    "DOSE-METHOTREXATE": "dose", "DOSE-AZATHIOPRINE": "dose", "DOSE-MYCOPHENOLATE": "dose",
    "DOSE-TRALOKINUMAB": "dose", "DOSE-ABROCITINIB": "dose", "DOSE-BARICITINIB": "dose",
    "DOSE-CORTICOSTEROIDS": "dose", "MON-DUPILUMAB": "monitoring",
    "MON-CYCLOSPORINE": "monitoring", "MON-METHOTREXATE": "monitoring",
    "MON-AZATHIOPRINE": "monitoring", "MON-MYCOPHENOLATE": "monitoring",
    "AE-DUPILUMAB": "adverse_effects", "AE-CYCLOSPORINE": "adverse_effects",
    "AE-METHOTREXATE": "adverse_effects", "AE-MYCOPHENOLATE": "adverse_effects",
    "AE-CORTICOSTEROIDS": "adverse_effects", "CONCOMITANT-DUPILUMAB": "concomitant",
    "RESPONSE-DUPILUMAB": "response", "PITFALL-TOPICALS-FIRST": "pitfall",
    "PITFALL-CONTACT-DERMATITIS": "pitfall", "PITFALL-QUALITY-OF-LIFE": "pitfall",
    "PITFALL-ANTIHISTAMINES": "pitfall", "PITFALL-ANTIBIOTICS": "pitfall",
    "OVERVIEW": "overview", "SAFETY-PREGNANCY": "adverse_effects",
    "INFO-NOT-STATED": "overview",
}

DRUG_ENUM = sorted(DRUGS)
FACTS = {
    "age_years": ("float",), "age_at_least_years": ("float",), "age_below_years": ("float",),
    "age_group": ("enum", {"adult", "child"}),
    "weight_kg": ("float",), "weight_lb": ("float",), "egfr": ("float",),
    "ckd_stage": ("int",), "severe_renal_impairment": ("bool",), "bsa_percent": ("float",),
    "iga": ("int",), "pruritus_nrs": ("float",), "qol_impaired": ("bool",),
    "high_impact_areas": ("tuple_enum", {"hands", "face", "eyelids"}),
    "sleep_disruption": ("bool",), "psychosocial_impact": ("bool",),
    "topical_trial_days": ("int",),
    "topical_potency": ("enum", {"low", "medium", "high", "super_high"}),
    "topical_steroid": ("str",), "severity_timepoints": ("int",), "adherent": ("bool",),
    "steroid_phobia": ("bool",), "contact_dermatitis_excluded": ("bool",),
    "refractory": ("bool",), "lymphoma_excluded": ("bool",),
    "bacterial_superinfection": ("bool",), "eczema_herpeticum": ("bool",),
    "infection_signs": ("tuple_str",), "infection_treated": ("bool",),
    "phototherapy_considered": ("bool",), "phototherapy_accessible": ("bool",),
    "route_preference": ("enum", {"oral", "injection"}),
    "first_line_barriers": ("tuple_enum", {"unavailable", "unaffordable", "contraindicated"}),
    "pregnancy_or_planning": ("bool",), "pregnancy_possible": ("bool",),
    "current_drug": ("enum", set(DRUG_ENUM)), "current_dose_mg": ("float",),
    "inadequate_response": ("bool",), "weeks_on_treatment": ("float",),
    "acute_severe_flare": ("bool",), "sex": ("enum", {"female", "male"}),
}
# Optional-None types in the contract: we still refuse null in a *case* (asserting None is
# asserting "not understood", which this suite never does).

CASE_KEYS = {"id", "category", "question", "messages", "critical", "notes", "tags", "expect"}
EXPECT_KEYS = {"status", "verdict", "decisions", "decisions_absent", "cites",
               "answer_contains", "answer_excludes", "missing", "facts", "no_decisions"}
MATCH_KEYS = {"rule_id", "drug", "severity", "kind", "outcome", "primary", "no_doses", "doses"}
DOSE_KEYS = {"phase", "low", "high", "unit", "route", "frequency", "patient_low_mg",
             "patient_high_mg", "per_dose_low_mg", "per_dose_high_mg", "tolerance"}
DOSE_NUM = {"low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg",
            "per_dose_high_mg", "tolerance"}
DOSE_STR = {"phase", "unit", "route", "frequency"}


def cross_check_contract(errors):
    """Make sure the hard-coded vocabulary is exactly what CONTRACT.md lists."""
    rules = dict(re.findall(r"^- `([A-Z][A-Z-]+)` \(([a-z_]+)\):", CONTRACT, re.M))
    if rules != RULES:
        errors.append("contract: rule id table differs from CONTRACT.md: %s"
                      % sorted(set(rules.items()) ^ set(RULES.items())))
    facts_sec = CONTRACT.split("## Facts", 1)[1].split("## Safety", 1)[0]
    fact_names = set(re.findall(r"^- `([a-z_]+)`:", facts_sec, re.M))
    if fact_names != set(FACTS):
        errors.append("contract: fact names differ: %s" % sorted(fact_names ^ set(FACTS)))
    miss_sec = CONTRACT.split("Missing-fact names:", 1)[1].split("##", 1)[0]
    miss = set(re.findall(r"`([a-z_]+)`", miss_sec))
    if miss != MISSING:
        errors.append("contract: missing-fact names differ: %s" % sorted(miss ^ MISSING))
    drug_line = re.search(r"^Drugs: (.*)$", CONTRACT, re.M).group(1)
    if set(re.findall(r"`([a-z_]+)`", drug_line)) != DRUGS:
        errors.append("contract: drug list differs")
    topic_line = re.search(r"^Topics \(decision kinds\): (.*)$", CONTRACT, re.M).group(1)
    if set(re.findall(r"`([a-z_]+)`", topic_line)) != KINDS:
        errors.append("contract: topic list differs")


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_fact(where, name, value, errors):
    if name not in FACTS:
        errors.append("%s: unknown fact %r" % (where, name))
        return
    spec = FACTS[name]
    t = spec[0]
    ok = True
    if t == "float":
        ok = is_num(value)
    elif t == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t == "bool":
        ok = isinstance(value, bool)
    elif t == "str":
        ok = isinstance(value, str)
    elif t == "enum":
        ok = isinstance(value, str) and value in spec[1]
    elif t == "tuple_enum":
        ok = isinstance(value, list) and all(isinstance(x, str) and x in spec[1] for x in value)
    elif t == "tuple_str":
        ok = isinstance(value, list) and all(isinstance(x, str) for x in value)
    if not ok:
        errors.append("%s: fact %s has bad value %r" % (where, name, value))


def check_matcher(where, m, errors):
    if not isinstance(m, dict) or not m:
        errors.append("%s: decision matcher must be a non-empty mapping" % where)
        return
    for k in m:
        if k not in MATCH_KEYS:
            errors.append("%s: unknown matcher key %r" % (where, k))
    if "rule_id" in m and m["rule_id"] not in RULES:
        errors.append("%s: unknown rule_id %r" % (where, m["rule_id"]))
    if "kind" in m:
        if m["kind"] not in KINDS:
            errors.append("%s: unknown kind %r" % (where, m["kind"]))
        elif "rule_id" in m and m["rule_id"] in RULES:
            rk = RULES[m["rule_id"]]
            if rk != m["kind"] and not (rk == "pitfall" and m["kind"] == "pitfalls"):
                errors.append("%s: kind %r does not fit rule %s" % (where, m["kind"], m["rule_id"]))
    if "drug" in m and m["drug"] is not None and m["drug"] not in DRUGS:
        errors.append("%s: unknown drug %r" % (where, m["drug"]))
    if "severity" in m and m["severity"] not in SEVERITIES:
        errors.append("%s: unknown severity %r" % (where, m["severity"]))
    if "outcome" in m and m["outcome"] not in OUTCOMES:
        errors.append("%s: unknown outcome %r" % (where, m["outcome"]))
    for b in ("primary", "no_doses"):
        if b in m and not isinstance(m[b], bool):
            errors.append("%s: %s must be a bool" % (where, b))
    if "doses" in m:
        if not isinstance(m["doses"], list) or not m["doses"]:
            errors.append("%s: doses must be a non-empty list" % where)
        else:
            if m.get("no_doses") is True:
                errors.append("%s: doses together with no_doses: true" % where)
            for i, d in enumerate(m["doses"]):
                dw = "%s.doses[%d]" % (where, i)
                if not isinstance(d, dict) or not d:
                    errors.append("%s: must be a non-empty mapping" % dw)
                    continue
                for k, v in d.items():
                    if k not in DOSE_KEYS:
                        errors.append("%s: unknown dose key %r" % (dw, k))
                    elif k in DOSE_NUM and not is_num(v):
                        errors.append("%s: %s must be a number" % (dw, k))
                    elif k in DOSE_STR and not isinstance(v, str):
                        errors.append("%s: %s must be a string" % (dw, k))
                if "unit" in d and d["unit"] not in UNITS:
                    errors.append("%s: unknown unit %r" % (dw, d["unit"]))
                if "frequency" in d and isinstance(d["frequency"], str) \
                        and d["frequency"] not in GUIDELINE:
                    errors.append("%s: frequency %r is not worded as in the guideline"
                                  % (dw, d["frequency"]))
                for lo, hi in (("low", "high"), ("patient_low_mg", "patient_high_mg"),
                               ("per_dose_low_mg", "per_dose_high_mg")):
                    if is_num(d.get(lo)) and is_num(d.get(hi)) and d[lo] > d[hi]:
                        errors.append("%s: %s > %s" % (dw, lo, hi))


def check_strlist(where, v, errors):
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        errors.append("%s: must be a list of non-empty strings" % where)
        return False
    return True


def check_expect(where, e, errors):
    if not isinstance(e, dict):
        errors.append("%s: expect must be a mapping" % where)
        return
    for k in e:
        if k not in EXPECT_KEYS:
            errors.append("%s: unknown expect key %r" % (where, k))
    if "status" in e and e["status"] not in STATUSES:
        errors.append("%s: bad status %r" % (where, e["status"]))
    if "verdict" in e and e["verdict"] not in VERDICTS:
        errors.append("%s: bad verdict %r" % (where, e["verdict"]))
    for key in ("decisions", "decisions_absent"):
        if key in e:
            if not isinstance(e[key], list):
                errors.append("%s: %s must be a list" % (where, key))
            else:
                for i, m in enumerate(e[key]):
                    check_matcher("%s.%s[%d]" % (where, key, i), m, errors)
    if "cites" in e and check_strlist(where + ".cites", e["cites"], errors):
        for c in e["cites"]:
            if c not in GUIDELINE:
                errors.append("%s: cite not an exact substring of guideline.txt: %r" % (where, c))
    for key in ("answer_contains", "answer_excludes"):
        if key in e:
            check_strlist("%s.%s" % (where, key), e[key], errors)
    if "missing" in e:
        if not isinstance(e["missing"], list):
            errors.append("%s: missing must be a list" % where)
        else:
            for m in e["missing"]:
                if m not in MISSING:
                    errors.append("%s: unknown missing-fact name %r" % (where, m))
    if "facts" in e:
        if not isinstance(e["facts"], dict):
            errors.append("%s: facts must be a mapping" % where)
        else:
            for n, v in e["facts"].items():
                check_fact(where + ".facts", n, v, errors)
    if "no_decisions" in e and not isinstance(e["no_decisions"], bool):
        errors.append("%s: no_decisions must be a bool" % where)
    # internal consistency with the contract
    v, s = e.get("verdict"), e.get("status")
    blocks = [m for m in e.get("decisions", []) if isinstance(m, dict) and m.get("severity") == "block"]
    if blocks and v is not None and v != "dont":
        errors.append("%s: a block is expected but verdict is %r (contract: dont)" % (where, v))
    if v == "go" and s in ("needs_info", "not_covered", "refused", "out_of_scope"):
        errors.append("%s: verdict go with status %s" % (where, s))
    if s == "needs_info" and v not in (None, "cant_say", "dont"):
        errors.append("%s: needs_info with verdict %r" % (where, v))
    if e.get("no_decisions") and e.get("decisions"):
        errors.append("%s: no_decisions with decisions" % where)


def check_notes(where, notes, errors):
    if not isinstance(notes, str) or not notes.strip():
        errors.append("%s: notes must be a non-empty string" % where)
        return
    quotes = re.findall(r'"([^"]+)"', notes)
    if not quotes:
        errors.append("%s: notes quote no guideline text" % where)
    for q in quotes:
        parts = [" ".join(x.split()) for x in q.split("...") if x.strip()]  # "..." = elision
        if not parts or not all(x in FLAT_GUIDELINE or x in FLAT_CONTRACT for x in parts):
            errors.append("%s: quoted note text not found in guideline/contract: %r" % (where, q))


def main():
    errors = []
    cross_check_contract(errors)
    if not os.path.isdir(SUITE):
        print("FAIL: no suite directory %s" % SUITE)
        return 1
    files = sorted(f for f in os.listdir(SUITE) if f.endswith(".yaml"))
    others = sorted(f for f in os.listdir(SUITE) if not f.endswith(".yaml"))
    if others:
        errors.append("suite: non-YAML files present: %s" % others)
    ids = {}
    n = 0
    for fn in files:
        cat = fn[:-5]
        try:
            with open(os.path.join(SUITE, fn), encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            errors.append("%s: YAML error: %s" % (fn, exc))
            continue
        if not isinstance(data, list) or not data:
            errors.append("%s: must be a non-empty list of cases" % fn)
            continue
        for idx, case in enumerate(data):
            where = "%s[%d]" % (fn, idx)
            if not isinstance(case, dict):
                errors.append("%s: case must be a mapping" % where)
                continue
            n += 1
            cid = case.get("id")
            if isinstance(cid, str):
                where = "%s:%s" % (fn, cid)
            for k in case:
                if k not in CASE_KEYS:
                    errors.append("%s: unknown case key %r" % (where, k))
            if not isinstance(cid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", cid or ""):
                errors.append("%s: id must be a lower-case slug" % where)
            elif not cid.startswith(PREFIX):
                errors.append("%s: id must start with %r" % (where, PREFIX))
            elif cid in ids:
                errors.append("%s: duplicate id (also in %s)" % (where, ids[cid]))
            else:
                ids[cid] = fn
            if case.get("category") != cat:
                errors.append("%s: category %r != file name %r" % (where, case.get("category"), cat))
            if not isinstance(case.get("critical"), bool):
                errors.append("%s: critical must be true/false" % where)
            check_notes(where, case.get("notes"), errors)
            tags = case.get("tags")
            if not isinstance(tags, list) or not tags or \
                    not all(isinstance(t, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", t) for t in tags):
                errors.append("%s: tags must be a non-empty list of slugs" % where)
            tags = tags if isinstance(tags, list) else []
            if "control" in tags and case.get("critical") is not False:
                errors.append("%s: a control must be critical: false" % where)
            hq, hm = "question" in case, "messages" in case
            if hq == hm:
                errors.append("%s: exactly one of question / messages" % where)
            if hq:
                if not isinstance(case["question"], str) or not case["question"].strip():
                    errors.append("%s: question must be a non-empty string" % where)
                if "expect" not in case:
                    errors.append("%s: single-turn case without expect" % where)
                else:
                    check_expect(where + ".expect", case["expect"], errors)
            if hm:
                msgs = case["messages"]
                if not isinstance(msgs, list) or len(msgs) < 2:
                    errors.append("%s: messages must be a list of at least 2 turns" % where)
                    msgs = []
                has_expect = "expect" in case
                if "multi-turn" not in tags:
                    errors.append("%s: multi-turn case lacks the multi-turn tag" % where)
                for t, msg in enumerate(msgs):
                    tw = "%s.messages[%d]" % (where, t)
                    if isinstance(msg, str):
                        if not msg.strip():
                            errors.append("%s: empty turn" % tw)
                    elif isinstance(msg, dict):
                        for k in msg:
                            if k not in ("say", "expect"):
                                errors.append("%s: unknown turn key %r" % (tw, k))
                        if not isinstance(msg.get("say"), str) or not msg["say"].strip():
                            errors.append("%s: say must be a non-empty string" % tw)
                        if "expect" in msg:
                            has_expect = True
                            check_expect(tw + ".expect", msg["expect"], errors)
                    else:
                        errors.append("%s: a turn is a string or {say, expect}" % tw)
                if msgs and not (isinstance(msgs[-1], dict) and "expect" in msgs[-1]) \
                        and "expect" not in case:
                    errors.append("%s: last turn has no expectation" % where)
                if not has_expect:
                    errors.append("%s: no expectation anywhere" % where)
                if "expect" in case:
                    check_expect(where + ".expect", case["expect"], errors)
    if errors:
        for e in errors:
            print("ERROR:", e)
        print("FAIL: %d error(s) in %d cases in %d files" % (len(errors), n, len(files)))
        return 1
    print("OK: %d cases in %d files" % (n, len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
