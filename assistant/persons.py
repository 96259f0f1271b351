"""Who a message is about: the patient, or the asker, or one of the asker's relatives.

A parent writes "I'm 36 and 20 weeks pregnant; upadacitinib dose for my 16-year-old son?". The pregnancy is
the mother's, not the patient's. When a message asks for one person ("for my son", "for me"), the clauses that
speak only of the other are set aside before anything is read, and the answer says so. When the message names
no target, nothing is set aside: two ages are then an ambiguity the pipeline answers under each value.
"""

from __future__ import annotations

import re

from .lexicon import RELATIVES, RELATIVES_BY_GENDER

__all__ = ["other_person_spans"]

_REL = r"(?:" + "|".join(sorted((re.escape(w) for w in RELATIVES), key=len, reverse=True)) + r")s?"
_OWNER = r"(?:my|her|his|our|their)"
_GAP = r"(?:[\w'-]+\s+){0,3}?"  # "my 16-year-old son", "my little boy"
_F = re.IGNORECASE

_FOR_RELATIVE_RE = re.compile(
    rf"\b(?:for|about|regarding|re:?|asking\s+(?:for|about)|on\s+behalf\s+of)\s+{_OWNER}\s+{_GAP}{_REL}\b"
    rf"|\b(?:can|could|should|may|would|is)\s+{_OWNER}\s+{_GAP}{_REL}\s+(?:have|take|get|start|use|go\s+on|be)\b",
    _F,
)
_ABOUT = (r"(?:(?:this|that|the|my)\s+(?:question|query|one)|this|it|question)(?:'s|\s+is)\s+"
          r"(?:only\s+|just\s+|really\s+)?(?:about|for|regarding)")
_FOR_SELF_RE = re.compile(
    r"\bfor\s+(?:me|myself)\b|\b(?:can|could|should|may|do)\s+i\s+(?:take|have|get|start|use|go\s+on|be\s+on)\b"
    rf"|\b{_ABOUT}\s+(?:me|myself)\b", _F)
# "his sister is pregnant …, but this question is about him": the message names the patient as its target, so
# what it says of anyone's relative is set aside
_FOR_PATIENT_RE = re.compile(
    rf"\b{_ABOUT}\s+(?:him|her|them|the\s+patient|my\s+patient|the\s+pt)\b", _F)
_PATIENT_WORD_RE = re.compile(r"\b(?:my\s+patient|the\s+patient|patient|pt)\b(?!'s)", _F)
_NOT_PATIENT_RE = re.compile(r"\b(?:not|isn'?t|never)\s+(?:my|the|our|a)\s+(?:pt|patient)\b", _F)  # "(not my pt)"
# "she and her partner are planning a pregnancy": the patient is one of the subjects
_JOINT_SUBJECT_BEFORE_RE = re.compile(r"\b(?:she|he|they|pt|patient|her|him)\s+(?:and|&)\s*$", _F)
_HE_SHE_IS_RE = re.compile(r"\b(?:he|she)\s+(?:is|'s)\s+\d{1,3}\b", _F)  # "He is 29"
_PATIENT_INTRO_RE = re.compile(
    r"\b(?:patient|pt|man|woman|male|female|gentleman|lady|boy|girl)\b|(?<![\d.])\d{1,3}\s*(?:yo|y/o|years?\s+old|"
    r"[mf])\b", _F)
# a clause whose subject is the patient's relative: "His little brother has impetigo", "her dad is on dialysis"
_THIRD_RELATIVE_SUBJECT_RE = re.compile(
    rf"\s*(?:but\s+|and\s+|also\s+|though\s+)?(?:his|her|their|the\s+patient'?s|(?:the\s+)?pt'?s)\s+{_GAP}{_REL}\b", _F)
_ANY_RELATIVE_RE = re.compile(rf"\b(?:{_OWNER}|(?:the\s+)?(?:patient|pt)'s)\s+{_GAP}{_REL}\b", _F)
# "My son is 9 … what dose would he get?": a pronoun question after a relative is named asks for the relative
_PRONOUN_TARGET_RE = re.compile(
    r"\b(?:would|will|can|could|should|does|is|may)\s+(?:he|she)\b|\b(?:for|give|giving|start|put)\s+(?:him|her)\b",
    _F)
_SELF_RE = re.compile(r"\bi(?:'m|\s+am|\s+have|'ve|\s+was|\s+had)\b|\bmy\s+own\b", _F)
_SELF_ANY_RE = re.compile(r"\b(?:i|me|myself)\b|\bmy\s+own\b", _F)
_RELATIVE_RE = re.compile(rf"\b{_OWNER}\s+{_GAP}{_REL}\b", _F)
# clauses end at sentence punctuation, and where "and"/a comma hands over to the other person ("My son is 9
# and I'm 44", "I'm 36, my daughter 15")
# (the whitespace before a conjunction is matched once, so a run of spaces stays linear)
_CLAUSE_END_RE = re.compile(rf"[.;!?\n—–]|\s-\s|(?:,(?:\s+(?:and|but|while|so))?|(?<!\s)\s+(?:and|but|while|so|because|"
                            rf"as))\s+(?=i(?:'m|\s+am)\b|{_OWNER}\s+{_GAP}{_REL}\b|{_ABOUT}\b)", _F)


def other_person_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that speak only of someone other than the person the message asks about."""
    for_patient = _FOR_PATIENT_RE.search(text) is not None
    for_relative = _FOR_RELATIVE_RE.search(text) is not None or (
        not for_patient and _pronoun_fits_a_relative(text))
    for_self = _FOR_SELF_RE.search(text) is not None
    if not for_relative and not for_self and for_patient:
        return [(start + len(words) - len(words.lstrip()), start + len(words.rstrip()))
                for start, words in _clauses(text)
                if _ANY_RELATIVE_RE.search(words) is not None and _PATIENT_WORD_RE.search(words) is None
                and _FOR_PATIENT_RE.search(words) is None]
    if not for_relative and not for_self:
        # "Patient is 26, male … His little brother has impetigo.": once the patient is introduced, a clause about
        # the patient's relative ("his"/"her", never the asker's "my") speaks of someone else
        # … or once the patient is introduced anywhere else ("His mother had eczema herpeticum. He is 29, …")
        intros = [m.start() for m in _PATIENT_INTRO_RE.finditer(text)] + [
            m.start() for m in _HE_SHE_IS_RE.finditer(text)]
        return [
            (start + len(words) - len(words.lstrip()), start + len(words.rstrip()))
            for start, words in _clauses(text)
            if any(not start <= i < start + len(words) for i in intros)
            and _THIRD_RELATIVE_SUBJECT_RE.match(words) is not None
            and _JOINT_SUBJECT_BEFORE_RE.search(text, max(0, start - 16), start) is None
            and _PATIENT_WORD_RE.search(_NOT_PATIENT_RE.sub(" ", words)) is None]
    if for_relative == for_self:  # both targets: nothing is set aside
        return []
    spans = []
    for start, words in _clauses(text):
        if for_relative:
            aside = _SELF_RE.search(words) is not None and _RELATIVE_RE.search(words) is None
        else:
            aside = _RELATIVE_RE.search(words) is not None and _SELF_ANY_RE.search(words) is None
        if aside:
            lead = len(words) - len(words.lstrip())
            spans.append((start + lead, start + len(words.rstrip())))
    return spans


def _pronoun_fits_a_relative(text: str) -> bool:
    """'My son is 9 … would he get?': a pronoun question that can refer to a named relative ('for him' never
    refers to 'his sister')."""
    pronouns = [m.group(0).lower() for m in _PRONOUN_TARGET_RE.finditer(text)]
    if not pronouns:
        return False
    wanted = set()
    for p in pronouns:
        wanted |= ({"male"} if re.search(r"\b(?:he|him)\b", p) else
                   {"female"} if re.search(r"\b(?:she|her)\b", p) else set())
    for m in _RELATIVE_RE.finditer(text):
        noun = m.group(0).lower().split()[-1].rstrip("s")
        gender = next((g for g, words in RELATIVES_BY_GENDER.items() if noun in words), None)
        if gender is None or not wanted or gender in wanted:
            return True
    return False


def _clauses(text: str) -> list[tuple[int, str]]:
    """(start, words) of each clause."""
    out, pos = [], 0
    for m in _CLAUSE_END_RE.finditer(text):
        out.append((pos, text[pos:m.start()]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return [(start, words) for start, words in out if words.strip()]
