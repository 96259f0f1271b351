#!/usr/bin/env python3
"""Validate retrieval_blind5.yaml against the guideline passages (PyYAML only).

Passages are read from ../passages.yaml relative to this file, or from
passages.yaml beside it. Prints counts by style, then "OK" or the errors.
Exit status 0 when OK, 1 otherwise.
"""
import collections
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "retrieval_blind5.yaml")
KEYS = {"id", "question", "gold", "notes", "style"}
STYLES = ["lay", "clinical", "abbreviation", "misspelt", "indirect",
          "long-vignette", "off-topic"]
ANSWER_KINDS = {"statement", "bullet", "intro"}
MIN_FIRST_GOLD = 2


def find_passages():
    for cand in (os.path.join(HERE, "..", "passages.yaml"),
                 os.path.join(HERE, "passages.yaml")):
        if os.path.isfile(cand):
            return os.path.normpath(cand)
    return None


def main():
    errors = []
    ppath = find_passages()
    if ppath is None:
        print("ERROR: passages.yaml not found (looked in .. and beside validate.py)")
        return 1
    try:
        with open(ppath, encoding="utf-8") as f:
            passages = yaml.safe_load(f)
    except yaml.YAMLError as e:
        print(f"ERROR: {ppath} does not parse: {e}")
        return 1
    try:
        with open(SUITE, encoding="utf-8") as f:
            items = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"ERROR: {SUITE} does not load/parse: {e}")
        return 1

    by_id = {p["id"]: p for p in passages}
    answerable = [p["id"] for p in passages if p.get("kind") in ANSWER_KINDS]

    if not isinstance(items, list):
        print("ERROR: suite is not a YAML list")
        return 1

    seen = set()
    styles = collections.Counter()
    first_gold = collections.Counter()
    for n, it in enumerate(items, 1):
        where = f"item #{n}"
        if not isinstance(it, dict):
            errors.append(f"{where}: not a mapping")
            continue
        iid = it.get("id")
        where = f"item #{n} ({iid})"
        keys = set(it)
        if keys != KEYS:
            missing, extra = KEYS - keys, keys - KEYS
            errors.append(f"{where}: keys wrong; missing={sorted(missing)} extra={sorted(extra)}")
        if not isinstance(iid, str) or not iid:
            errors.append(f"{where}: id missing or not a string")
        elif iid in seen:
            errors.append(f"{where}: duplicate id")
        else:
            seen.add(iid)
        q = it.get("question")
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{where}: question empty or not a string")
        notes = it.get("notes")
        if not isinstance(notes, str) or not notes.strip():
            errors.append(f"{where}: notes empty or not a string")
        style = it.get("style")
        if style not in STYLES:
            errors.append(f"{where}: invalid style {style!r}")
        else:
            styles[style] += 1
        gold = it.get("gold")
        if not isinstance(gold, list):
            errors.append(f"{where}: gold is not a list")
            continue
        if style == "off-topic":
            if gold:
                errors.append(f"{where}: off-topic item must have empty gold")
            continue
        if not 1 <= len(gold) <= 3:
            errors.append(f"{where}: on-topic item needs 1-3 gold ids, has {len(gold)}")
        if len(set(gold)) != len(gold):
            errors.append(f"{where}: repeated gold id")
        for g in gold:
            p = by_id.get(g)
            if p is None:
                errors.append(f"{where}: gold id {g!r} does not exist")
            elif p.get("kind") not in ANSWER_KINDS:
                errors.append(f"{where}: gold id {g!r} has kind {p.get('kind')!r}")
        if gold:
            first_gold[gold[0]] += 1
            # extra check: notes quote the first gold passage (fragments joined by ' ... ')
            p = by_id.get(gold[0])
            if p is not None and isinstance(notes, str):
                for frag in notes.split(" ... "):
                    if frag not in p["text"]:
                        errors.append(f"{where}: notes fragment not in {gold[0]}: {frag!r}")

    for pid in answerable:
        if first_gold[pid] < MIN_FIRST_GOLD:
            errors.append(f"coverage: {pid} is first gold of {first_gold[pid]} question(s), needs >= {MIN_FIRST_GOLD}")

    print(f"passages: {ppath} ({len(answerable)} statement/bullet/intro)")
    print(f"items: {len(items)}")
    print("counts by style:")
    for s in STYLES:
        print(f"  {s:14s} {styles[s]}")
    on = sum(v for k, v in styles.items() if k != "off-topic")
    print(f"  {'on-topic':14s} {on}")
    print(f"first-gold coverage: min {min(first_gold[p] for p in answerable)}, "
          f"max {max(first_gold[p] for p in answerable)} per passage")
    if errors:
        print(f"{len(errors)} error(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
