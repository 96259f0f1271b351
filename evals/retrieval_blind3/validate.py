#!/usr/bin/env python3
"""Validate retrieval_blind3.yaml against passages.yaml."""
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ALLOWED_KINDS = {"statement", "bullet", "intro"}
KEYS = {"id", "question", "gold", "notes", "style"}
STYLES = {"lay", "clinical", "abbreviation", "misspelt", "indirect",
          "long-vignette", "off-topic"}

errors = []
passages = yaml.safe_load((HERE / "passages.yaml").read_text(encoding="utf-8"))
kind = {p["id"]: p["kind"] for p in passages}
items = yaml.safe_load((HERE / "retrieval_blind3.yaml").read_text(encoding="utf-8"))
if not isinstance(items, list):
    sys.exit("top level is not a list")

seen = set()
first = Counter()
for n, it in enumerate(items):
    tag = it.get("id", f"#{n}") if isinstance(it, dict) else f"#{n}"
    if not isinstance(it, dict) or set(it) != KEYS:
        errors.append(f"{tag}: keys {sorted(it) if isinstance(it, dict) else it} != {sorted(KEYS)}")
        continue
    if it["id"] in seen:
        errors.append(f"{tag}: duplicate id")
    seen.add(it["id"])
    if not isinstance(it["question"], str) or not it["question"].strip():
        errors.append(f"{tag}: empty question")
    if not isinstance(it["notes"], str):
        errors.append(f"{tag}: notes not a string")
    if it["style"] not in STYLES:
        errors.append(f"{tag}: bad style {it['style']!r}")
    gold = it["gold"]
    if not isinstance(gold, list):
        errors.append(f"{tag}: gold not a list")
        continue
    if it["style"] == "off-topic":
        if gold:
            errors.append(f"{tag}: off-topic must have empty gold")
        continue
    if not 1 <= len(gold) <= 3:
        errors.append(f"{tag}: gold must have 1-3 ids, has {len(gold)}")
    if len(set(gold)) != len(gold):
        errors.append(f"{tag}: repeated gold id")
    for g in gold:
        if g not in kind:
            errors.append(f"{tag}: unknown passage {g}")
        elif kind[g] not in ALLOWED_KINDS:
            errors.append(f"{tag}: passage {g} has kind {kind[g]}")
    if gold:
        first[gold[0]] += 1

for pid, k in kind.items():
    if k in ALLOWED_KINDS and first[pid] < 2:
        errors.append(f"coverage: {pid} is first gold of {first[pid]} question(s), need >=2")

styles = Counter(it["style"] for it in items if isinstance(it, dict) and "style" in it)
print("counts by style:")
for s in ["lay", "clinical", "abbreviation", "misspelt", "indirect", "long-vignette", "off-topic"]:
    print(f"  {s:14s} {styles.get(s, 0)}")
print(f"  {'on-topic':14s} {sum(v for s, v in styles.items() if s != 'off-topic')}")
print(f"  {'total':14s} {len(items)}")
n_ans = sum(1 for k in kind.values() if k in ALLOWED_KINDS)
print(f"answerable passages: {n_ans}; first-gold min count: {min(first[p] for p, k in kind.items() if k in ALLOWED_KINDS)}")
if errors:
    print("ERRORS:")
    for e in errors:
        print("  " + e)
    sys.exit(1)
print("OK")
