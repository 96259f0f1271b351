#!/usr/bin/env python3
"""Validate retrieval_blind4.yaml against passages.yaml (PyYAML only)."""
import sys, os
from collections import Counter
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ALLOWED_KINDS = {"statement", "bullet", "intro"}
STYLES = {"lay", "clinical", "abbreviation", "misspelt", "indirect", "long-vignette", "off-topic"}
KEYS = {"id", "question", "gold", "notes", "style"}

errors = []
def err(m): errors.append(m)

with open(os.path.join(HERE, "passages.yaml"), encoding="utf-8") as f:
    passages = yaml.safe_load(f)
kind = {p["id"]: p["kind"] for p in passages}
answerable = [p["id"] for p in passages if p["kind"] in ALLOWED_KINDS]

try:
    with open(os.path.join(HERE, "retrieval_blind4.yaml"), encoding="utf-8") as f:
        items = yaml.safe_load(f)
except yaml.YAMLError as e:
    print("YAML parse error:", e); sys.exit(1)
if not isinstance(items, list):
    print("top level is not a list"); sys.exit(1)

seen = set()
first = Counter()
styles = Counter()
for n, it in enumerate(items):
    tag = it.get("id", f"#{n}") if isinstance(it, dict) else f"#{n}"
    if not isinstance(it, dict):
        err(f"{tag}: not a mapping"); continue
    if set(it) != KEYS:
        err(f"{tag}: keys {sorted(it)} != {sorted(KEYS)}")
    if tag in seen: err(f"{tag}: duplicate id")
    seen.add(tag)
    q = it.get("question")
    if not isinstance(q, str) or not q.strip(): err(f"{tag}: empty question")
    if not isinstance(it.get("notes"), str): err(f"{tag}: notes not a string")
    st = it.get("style")
    if st not in STYLES: err(f"{tag}: bad style {st!r}")
    styles[st] += 1
    gold = it.get("gold")
    if not isinstance(gold, list):
        err(f"{tag}: gold not a list"); continue
    if st == "off-topic":
        if gold: err(f"{tag}: off-topic must have empty gold")
        continue
    if not 1 <= len(gold) <= 3: err(f"{tag}: gold must have 1-3 ids")
    if len(set(gold)) != len(gold): err(f"{tag}: repeated gold id")
    for g in gold:
        if g not in kind: err(f"{tag}: unknown passage id {g}")
        elif kind[g] not in ALLOWED_KINDS: err(f"{tag}: {g} is of kind {kind[g]}")
    if not it.get("notes", "").strip(): err(f"{tag}: empty notes")
    if gold: first[gold[0]] += 1

for pid in answerable:
    if first[pid] < 2:
        err(f"coverage: {pid} is first gold of {first[pid]} question(s), need >=2")

on = sum(v for k, v in styles.items() if k != "off-topic")
print(f"items: {len(items)}  on-topic: {on}  off-topic: {styles['off-topic']}")
for s in ["lay", "clinical", "abbreviation", "misspelt", "indirect", "long-vignette", "off-topic"]:
    print(f"  {s:14s} {styles[s]}")
print(f"answerable passages: {len(answerable)}; all first gold of >=2: {all(first[p] >= 2 for p in answerable)} (min {min(first[p] for p in answerable)})")
if errors:
    print("\n".join(errors)); print(f"FAILED ({len(errors)} errors)"); sys.exit(1)
print("OK")
