#!/usr/bin/env python3
"""Validate retrieval_blind2.yaml against passages.yaml (needs only PyYAML)."""
import os
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SET = os.path.join(HERE, "retrieval_blind2.yaml")
PASSAGES = os.path.join(HERE, "passages.yaml")

KEYS = {"id", "question", "gold", "notes", "style"}
STYLES = {"lay", "clinical", "abbreviation", "misspelt", "indirect", "long-vignette", "off-topic"}
ANSWER_KINDS = {"statement", "bullet", "intro"}
MIN_FIRST_GOLD = 2

errors = []


def err(msg):
    errors.append(msg)


try:
    with open(SET, encoding="utf-8") as f:
        items = yaml.safe_load(f)
except yaml.YAMLError as e:
    print(f"FAIL: {SET} does not parse: {e}")
    sys.exit(1)
with open(PASSAGES, encoding="utf-8") as f:
    passages = yaml.safe_load(f)

if not isinstance(items, list):
    print("FAIL: top level of the set is not a list")
    sys.exit(1)

kind = {p["id"]: p["kind"] for p in passages}
answerable = [pid for pid, k in kind.items() if k in ANSWER_KINDS]

seen = set()
first_gold = Counter()
styles = Counter()
for n, it in enumerate(items):
    where = f"item #{n + 1}"
    if not isinstance(it, dict):
        err(f"{where}: not a mapping")
        continue
    qid = it.get("id")
    where = f"{qid or where}"
    if set(it) != KEYS:
        err(f"{where}: keys {sorted(it)} != {sorted(KEYS)}")
    if qid in seen:
        err(f"{where}: duplicate id")
    seen.add(qid)
    for k in ("id", "question", "notes", "style"):
        if k in it and not isinstance(it[k], str):
            err(f"{where}: {k} is not a string")
    if isinstance(it.get("question"), str) and not it["question"].strip():
        err(f"{where}: empty question")
    style = it.get("style")
    styles[style] += 1
    if style not in STYLES:
        err(f"{where}: unknown style {style!r}")
    gold = it.get("gold")
    if not isinstance(gold, list):
        err(f"{where}: gold is not a list")
        continue
    if style == "off-topic":
        if gold:
            err(f"{where}: off-topic item must have empty gold")
        continue
    if not 1 <= len(gold) <= 3:
        err(f"{where}: on-topic item needs 1-3 gold ids, has {len(gold)}")
    if len(set(gold)) != len(gold):
        err(f"{where}: repeated gold id")
    for g in gold:
        if g not in kind:
            err(f"{where}: gold id {g!r} not in passages.yaml")
        elif kind[g] not in ANSWER_KINDS:
            err(f"{where}: gold id {g!r} has kind {kind[g]!r} (not statement/bullet/intro)")
    if gold:
        first_gold[gold[0]] += 1

for pid in answerable:
    if first_gold[pid] < MIN_FIRST_GOLD:
        err(f"coverage: {pid} is first gold of {first_gold[pid]} question(s), needs >= {MIN_FIRST_GOLD}")

on_topic = sum(v for s, v in styles.items() if s != "off-topic")
print(f"items: {len(items)} (on-topic {on_topic}, off-topic {styles.get('off-topic', 0)})")
print("by style:")
for s in ["lay", "clinical", "abbreviation", "misspelt", "indirect", "long-vignette", "off-topic"]:
    print(f"  {s:14s} {styles.get(s, 0)}")
for s in sorted(k for k in styles if k not in STYLES):
    print(f"  {s!s:14s} {styles[s]}  (unknown)")
print(f"answerable passages: {len(answerable)}; first-gold counts min {min(first_gold[p] for p in answerable)}, "
      f"max {max(first_gold[p] for p in answerable)}")
if errors:
    print(f"FAIL: {len(errors)} problem(s)")
    for e in errors:
        print("  - " + e)
    sys.exit(1)
print("OK")
