"""The sidebar 'Patient' panel: the facts understood so far, editable, validated by ``core.parse_facts``."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

import streamlit as st

from core import FACT_RANGES, LB_TO_KG, InvalidFactsError, PatientFacts, fmt, parse_facts

from .common import conversation, escape_md, facts_version, new_patient, set_patient_facts

__all__ = ["FIELD_LABELS", "MAIN_FIELDS", "apply_edits", "field_key", "render_patient_panel"]

FIELD_LABELS: dict[str, str] = {
    "age_years": "Age (years)",
    "age_group": "Age group",
    "weight_kg": "Weight (kg)",
    "weight_lb": "Weight (lb)",
    "weight_below_kg": "Weight under (kg)",
    "egfr": "eGFR (mL/min/1.73 m²)",
    "ckd_stage": "CKD stage (1-5)",
    "severe_renal_impairment": "Severe renal impairment",
    "bsa_percent": "BSA affected (%)",
    "iga": "IGA (0-4)",
    "pruritus_nrs": "Itch NRS (0-10)",
    "topical_trial_days": "Topical steroid trial (days)",
    "topical_potency": "Topical steroid potency",
    "topical_steroid": "Topical steroid used",
    "bacterial_superinfection": "Bacterial superinfection",
    "eczema_herpeticum": "Eczema herpeticum",
    "infection_signs": "Infection signs (comma-separated)",
    "infection_treated": "Infection already treated",
    "route_preference": "Route preference",
    "pregnancy_or_planning": "Pregnant or planning pregnancy",
    "pregnancy_possible": "Pregnancy possible, not excluded",
    "sex": "Sex",
    "age_at_least_years": "Age at least (years)",
    "age_below_years": "Age under (years)",
    "current_drug": "Current systemic agent",
    "current_dose_mg": "Current dose (mg)",
    "weeks_on_treatment": "Weeks on current agent",
    "inadequate_response": "Inadequate response",
    "severity_timepoints": "Time points documenting severity",
    "high_impact_areas": "High-impact areas involved",
    "first_line_barriers": "Barriers to first-line agents",
    "qol_impaired": "Quality of life impaired",
    "rapid_control_needed": "Rapid control needed",
}

MAIN_FIELDS: tuple[str, ...] = (
    "age_years", "age_group", "weight_kg", "weight_lb", "egfr", "ckd_stage", "severe_renal_impairment",
    "bsa_percent", "iga", "pruritus_nrs", "topical_trial_days", "topical_potency", "topical_steroid",
    "bacterial_superinfection", "eczema_herpeticum", "infection_signs", "route_preference",
    "pregnancy_or_planning", "current_drug", "current_dose_mg",
)
"""Shown first; every other PatientFacts field is under 'More facts'."""

_UNKNOWN = "unknown"
_FALLBACK_GROUPS: tuple[tuple[str, ...], ...] = (
    ("weight_kg", "weight_lb", "weight_below_kg"),
    ("egfr", "ckd_stage", "severe_renal_impairment"),
    ("topical_steroid", "topical_potency"),
)


def _kind(name: str) -> tuple[str, tuple[Any, ...]]:
    """('number'|'int'|'bool'|'choice'|'multi'|'list'|'text', choices) for a PatientFacts field."""
    ann = PatientFacts.model_fields[name].annotation
    args = [a for a in typing.get_args(ann) if a is not type(None)] if isinstance(ann, types.UnionType) or \
        typing.get_origin(ann) is typing.Union else [ann]
    inner = args[0]
    if inner is bool:
        return "bool", ()
    if inner is int:
        return "int", ()
    if inner is float:
        return "number", ()
    if typing.get_origin(inner) is Literal:
        return "choice", typing.get_args(inner)
    if typing.get_origin(inner) is tuple:
        member = typing.get_args(inner)[0]
        return ("multi", typing.get_args(member)) if typing.get_origin(member) is Literal else ("list", ())
    return "text", ()


def field_key(name: str, version: int | None = None) -> str:
    """Widget key of a fact field; versioned so new facts re-initialise the widgets."""
    return f"patient_{facts_version() if version is None else version}_{name}"


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _help(name: str) -> str | None:
    if name in FACT_RANGES:
        low, inclusive, high, unit = FACT_RANGES[name]
        return f"{'' if inclusive else 'more than '}{low:g} to {high:g} {unit}".strip()
    return None


def _widget(name: str, value: Any, key: str) -> None:
    kind, choices = _kind(name)
    label = _label(name)
    if kind in ("number", "int"):
        if kind == "int" and (value is None or float(value).is_integer()):
            st.number_input(label, value=None if value is None else int(value), step=1, key=key, help=_help(name))
        else:
            st.number_input(label, value=None if value is None else float(value), step=1.0, format="%g", key=key,
                            help=_help(name))
    elif kind == "bool":
        current = _UNKNOWN if value is None else ("yes" if value else "no")
        st.selectbox(label, [_UNKNOWN, "yes", "no"], index=[_UNKNOWN, "yes", "no"].index(current), key=key)
    elif kind == "choice":
        options = [_UNKNOWN, *choices]
        st.selectbox(label, options, index=options.index(value) if value in options else 0, key=key,
                     format_func=lambda v: str(v).replace("_", " "))
    elif kind == "multi":
        st.multiselect(label, list(choices), default=[v for v in (value or ()) if v in choices], key=key)
    elif kind == "list":
        st.text_input(label, value=", ".join(value or ()), key=key)
    else:
        st.text_input(label, value="" if value is None else str(value), key=key)


def _read(name: str, raw: Any, old: Any) -> Any:
    """Widget value → fact value (None = unknown)."""
    kind, _ = _kind(name)
    if kind == "bool":
        return None if raw in (None, _UNKNOWN) else raw == "yes"
    if kind == "choice":
        return None if raw in (None, _UNKNOWN) else raw
    if kind == "multi":
        # an empty selection keeps the difference between 'none involved' (was ()) and 'unknown' (was None)
        return tuple(raw) if raw else (() if old == () else None)
    if kind == "list":
        items = tuple(s.strip() for s in str(raw or "").split(",") if s.strip())
        return items or None
    if kind == "text":
        return str(raw).strip() or None if raw is not None else None
    return raw


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return tuple(a) == tuple(b)
    return bool(a == b)


def _exclusive_groups() -> tuple[tuple[str, ...], ...]:
    try:
        from assistant.conversation import EXCLUSIVE_GROUPS

        return tuple(EXCLUSIVE_GROUPS)
    except ImportError:  # the conversation module moved: the same rule, stated here
        return _FALLBACK_GROUPS


def apply_edits(old: dict[str, Any], edited: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The new facts after a panel edit and the problems (if any, the edit must not be applied).

    A value changed in one of two ways of stating one quantity (kg/lb, eGFR/CKD stage) drops the other,
    unless both were edited; otherwise they would always contradict each other.
    """
    changed = {k for k, v in edited.items() if not _same(v, old.get(k))}
    new = dict(old)
    for name, value in edited.items():
        if value is None:
            new.pop(name, None)
        else:
            new[name] = value
    for group in _exclusive_groups():
        edited_here = [f for f in group if f in changed and new.get(f) is not None]
        if len(edited_here) == 1:
            for other in group:
                if other != edited_here[0] and other not in changed:
                    new.pop(other, None)
    try:
        parse_facts(new)
    except InvalidFactsError as exc:
        return old, list(exc.problems)
    return new, []


def _on_apply() -> None:
    version = facts_version()
    old = dict(conversation().facts)
    edited = {}
    for name in PatientFacts.model_fields:
        key = field_key(name, version)
        if key in st.session_state:
            edited[name] = _read(name, st.session_state[key], old.get(name))
    new, problems = apply_edits(old, edited)
    st.session_state["patient_errors"] = problems
    if problems:
        st.session_state["patient_notice"] = ""
        return  # the typed values stay in the widgets, the facts stay as they were
    st.session_state["patient_notice"] = "Applied: the next answer uses these facts." if new != old else \
        "No change."
    if new != old:
        set_patient_facts(new)


def _summary(facts: dict[str, Any]) -> str:
    parts = []
    for name, value in facts.items():
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, int | float):
            text = fmt(float(value))
        elif isinstance(value, list | tuple):
            text = ", ".join(map(str, value)) or "none"
        else:
            text = str(value).replace("_", " ")
        parts.append(f"{_label(name)}: {text}")
    if "weight_lb" in facts and isinstance(facts["weight_lb"], int | float):
        parts.append(f"(= {fmt(facts['weight_lb'] * LB_TO_KG)} kg)")
    return " · ".join(parts)


def render_patient_panel() -> None:
    """Sidebar panel: facts so far, an edit form (validated, applied to the next answer), 'New patient'."""
    facts = dict(conversation().facts)
    version = facts_version()
    with st.sidebar:
        st.subheader("Patient", anchor=False)
        st.button("New patient", on_click=new_patient, icon=":material/person_add:", key="new_patient",
                  help="Forget every fact about the current patient.")
        if facts:
            st.caption("Understood so far: " + escape_md(_summary(facts)))
        else:
            st.caption("No facts yet: they are taken from your questions, or enter them here.")
        for problem in st.session_state.get("patient_errors", []):
            st.error("Not applied: " + escape_md(problem), icon=":material/error:")
        notice = st.session_state.get("patient_notice")
        if notice and not st.session_state.get("patient_errors"):
            st.success(notice, icon=":material/check:")
        with st.form(f"patient_form_{version}", border=False):
            for name in MAIN_FIELDS:
                _widget(name, facts.get(name), field_key(name, version))
            with st.expander("More facts"):
                for name in PatientFacts.model_fields:
                    if name not in MAIN_FIELDS:
                        _widget(name, facts.get(name), field_key(name, version))
            st.form_submit_button("Apply to next answer", on_click=_on_apply, icon=":material/save:")
