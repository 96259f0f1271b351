"""Dosing rules: only the doses the guideline states, computed for the patient where weight-based."""

from __future__ import annotations

from collections.abc import Callable

from .classify import classify_age, classify_renal
from .criteria import crit
from .decision import Criterion, Decision, Dose, DosePhase
from .drugs import Drug, drug_info
from .facts import LB_TO_KG, PatientFacts
from .numbers import ROUNDING_NOTE, fmt, round1
from .query import Query
from .rulebook import Rulebook

__all__ = ["DOSE_RULES", "dose_decisions"]

_NO_PEDIATRIC = "the guideline gives no pediatric schedule"
_NO_PEDIATRIC_SHORT = "no pediatric schedule"
_FREQ_WORDS = {"daily": "daily", "twice_daily": "twice daily", "weekly": "weekly", "every_2_weeks": "every 2 weeks",
               "every_4_weeks": "every 4 weeks", "twice_weekly": "twice weekly",
               "once": "once", "every_other_day": "every other day",
               "three_times_daily": "three times daily"}


def _age_inputs(facts: PatientFacts) -> dict[str, float | str | None]:
    out: dict[str, float | str | None] = {"age_years": facts.age_years, "age_group": facts.age_group}
    if facts.age_at_least_years is not None:
        out["age_at_least_years"] = facts.age_at_least_years
    if facts.age_below_years is not None:
        out["age_below_years"] = facts.age_below_years
    return out


def _per_kg_request(q: Query, name: str, low: float, high: float, *, applies: bool = True) -> tuple[str, str | None]:
    """A proposed dose in mg/kg/day compared with the guideline's mg/kg/day range (no weight needed)."""
    per_kg = q.requested_dose_mg_per_kg_day
    if per_kg is None:
        return "", None
    if not applies:
        return (f"{fmt(per_kg)} mg/kg/day is not a dose the guideline gives for {name.lower()}: it gives a fixed "
                "dose, not a weight-based one.", "dose_not_in_guideline")
    if low <= per_kg <= high:
        return f"{fmt(per_kg)} mg/kg/day is within the guideline's {fmt(low)}-{fmt(high)} mg/kg/day.", None
    side = "above" if per_kg > high else "below"
    return (f"{fmt(per_kg)} mg/kg/day is {side} the guideline's {fmt(low)}-{fmt(high)} mg/kg/day.",
            "dose_outside_range")


def _fixed_per_kg_note(q: Query, name: str) -> tuple[str, str | None]:
    """For fixed-dose agents: a proposal in mg/kg/day is not a form the guideline gives."""
    return _per_kg_request(q, name, 0, 0, applies=False)


def _adult_criterion(facts: PatientFacts) -> Criterion:
    age = classify_age(facts)
    if age.value is None:
        return crit("adult (18 years or older)", "unknown", f"{age.detail}: this is the adult regimen; {_NO_PEDIATRIC}",
                    age.basis)
    return crit("adult (18 years or older)", "met" if age.value == "adult" else "not_met", age.detail, age.basis)


def _weight_formula(facts: PatientFacts) -> tuple[float, str]:
    """Weight in kg and how it was obtained."""
    if facts.weight_kg is not None:
        return facts.weight_kg, f"{facts.weight_kg:g} kg"
    assert facts.weight_lb is not None
    kg = facts.weight_lb * LB_TO_KG
    return kg, f"{facts.weight_lb:g} lb × {LB_TO_KG} kg/lb = {kg:.2f} kg"


def _request_note(q: Query, name: str, freq_key: str | tuple[str, ...], freq_text: str, *,
                  fixed_mg: tuple[float, ...] = (),
                  low: float | None = None, high: float | None = None,
                  per_dose: tuple[float, float] | None = None,
                  range_text: str | None = None) -> tuple[str, str | None]:
    """Compare a proposed dose/frequency with the guideline's; return (sentence, verdict).

    ``fixed_mg``: the only amounts the guideline gives; ``low``-``high``: its range (per day for weight-based
    doses, where ``per_dose`` is the range per administration and is accepted too).
    """
    parts, verdict = [], None
    accepted = (freq_key,) if isinstance(freq_key, str) else freq_key
    daily_total = "daily" in accepted and "twice_daily" in accepted  # a range per day, given once or twice daily
    if q.requested_frequency is not None and q.requested_frequency not in accepted:
        parts.append(f"{name} is given {freq_text} in the guideline, not {_FREQ_WORDS[q.requested_frequency]}.")
        verdict = "frequency_corrected"
    mg = q.requested_dose_mg
    if mg is not None:
        if fixed_mg and mg not in fixed_mg:
            parts.append(f"{fmt(mg)} mg is not a dose the guideline gives for {name.lower()}.")
            verdict = verdict or "dose_not_in_guideline"
        elif low is not None and high is not None and per_dose is not None:
            sentence, dose_verdict = _divided_request(mg, q.requested_frequency, (low, high), per_dose)
            if sentence:
                parts.append(sentence)
                verdict = verdict or dose_verdict
        elif low is not None and high is not None and daily_total and q.requested_frequency == "twice_daily" \
                and not low <= 2 * mg <= high:
            # a daily-total range ("30-50 mg/kg daily") proposed as an amount twice daily: twice the amount a day
            parts.append(f"{fmt(mg)} mg twice daily is {fmt(2 * mg)} mg a day, outside the guideline's "
                         f"{range_text or f'{fmt(low)}-{fmt(high)} mg'} per day for this weight.")
            verdict = verdict or "dose_outside_range"
        elif low is not None and high is not None and not (daily_total and q.requested_frequency == "twice_daily") \
                and not low <= mg <= high:
            parts.append(f"{fmt(mg)} mg is outside the guideline's {range_text or f'{fmt(low)}-{fmt(high)} mg'} range"
                         + (" per day for this weight." if "daily" in accepted else "."))
            verdict = verdict or "dose_outside_range"
    return " ".join(parts), verdict


def _divided_request(mg: float, frequency: str | None, day: tuple[float, float],
                     dose: tuple[float, float]) -> tuple[str, str | None]:
    """A proposed amount of a dose divided twice daily: per dose or per day? Say which reading fits.

    "250 mg BID" for 60 kg is 250 per dose, far above 90-150 mg per dose, although 250 alone lies inside the
    180-300 mg/day range: the frequency decides, and when it is not given both readings are stated.
    """
    day_text, dose_text = f"{fmt(day[0])}-{fmt(day[1])} mg/day", f"{fmt(dose[0])}-{fmt(dose[1])} mg per dose"
    as_day, as_dose = day[0] <= mg <= day[1], dose[0] <= mg <= dose[1]
    if frequency == "twice_daily":
        if as_dose:
            return "", None
        side = "above" if mg > dose[1] else "below"
        return (f"{fmt(mg)} mg twice daily is outside ({side}) the guideline's {dose_text} ({day_text}) for this "
                "weight.", "dose_outside_range")
    if frequency is None and as_day:
        return (f"If {fmt(mg)} mg is the daily total it is within {day_text}; given twice daily it would exceed "
                f"{dose_text}.", "dose_depends_on_frequency")
    if frequency is None and as_dose:
        return (f"If {fmt(mg)} mg is given twice daily it is within {dose_text}; as a daily total it would be "
                f"below {day_text}.", "dose_depends_on_frequency")
    if as_day:
        return "", None
    side = "above" if mg > day[1] else "below"
    return (f"{fmt(mg)} mg is outside ({side}) the guideline's {day_text} for this weight ({dose_text}).",
            "dose_outside_range")


def _no_pediatric_dose(book: Rulebook, rule_id: str, drug: Drug, facts: PatientFacts,
                       adult: Criterion, regimen: str) -> list[Decision] | None:
    """A child, and the drug table says the guideline gives only an adult regimen: not covered (a block)."""
    if adult.status != "not_met" or drug_info(drug).pediatric != "none":
        return None
    return [book.decision(
        rule_id, outcome="not_covered", verdict="no_pediatric_dose", inputs=_age_inputs(facts), criteria=(adult,),
        statement=f"Not covered: the guideline gives {regimen} and {_NO_PEDIATRIC_SHORT}, so it gives no dose for "
                  f"this patient ({adult.detail}).",
    )]


def _dupilumab(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    adult = _adult_criterion(facts)
    child = _no_pediatric_dose(book, "DOSE-DUPILUMAB", "dupilumab", facts, adult, "one dupilumab regimen")
    if child is not None:
        return child
    doses = (
        Dose(drug="dupilumab", phase="loading", low=600, unit="mg", route="subcutaneous", frequency="once"),
        Dose(drug="dupilumab", phase="maintenance", low=300, unit="mg", route="subcutaneous",
             frequency="every 2 weeks"),
    )
    statement = "Dupilumab: 600 mg subcutaneous loading dose, then 300 mg subcutaneous every 2 weeks."
    if adult.status == "unknown":
        statement += f" This is the adult regimen; {_NO_PEDIATRIC}."
    note, verdict = _request_note(q, "Dupilumab", ("every_2_weeks", "once"),
                                  "every 2 weeks after a single loading dose", fixed_mg=(600, 300))
    kg_note, kg_verdict = _fixed_per_kg_note(q, "Dupilumab")
    note, verdict = f"{note} {kg_note}".strip(), verdict or kg_verdict
    if q.requested_frequency == "once" and q.requested_dose_mg not in (None, 600):
        # "300 mg loading dose": the one-off loading dose the guideline gives is 600 mg
        note = (f"{note} The loading dose is 600 mg once, not {fmt(q.requested_dose_mg)} mg; the maintenance dose is "
                "300 mg every 2 weeks.").strip()
        verdict = "dose_not_in_guideline"
    if q.requested_dose_mg == 600 and q.requested_frequency in ("every_2_weeks", "every_4_weeks", "weekly", "daily"):
        # an amount the guideline gives, at a frequency it never gives it: 600 mg is the one-off loading dose
        note = (f"{note} 600 mg is the single loading dose, not a repeated one: the maintenance dose is 300 mg "
                "every 2 weeks.").strip()
        verdict = "dose_not_in_guideline"
    return [book.decision("DOSE-DUPILUMAB", statement=f"{statement} {note}".strip(), verdict=verdict,
                          inputs=_age_inputs(facts), criteria=(adult,), doses=doses)]


def _upa_population(facts: PatientFacts) -> tuple[Criterion, Criterion]:
    """The stated population (from the drug table): age and weight criteria, met / not met / unknown."""
    info = drug_info("upadacitinib")
    min_age, min_kg = info.min_age_years or 0, info.min_weight_kg or 0
    name = f"age ≥{fmt(min_age)} years"
    if facts.age_years is not None:
        age = crit(name, "met" if facts.age_years >= min_age else "not_met", f"age {facts.age_years:g} years")
    elif facts.age_at_least_years is not None and facts.age_at_least_years >= min_age:
        age = crit(name, "met", f"age at least {facts.age_at_least_years:g} years")
    elif facts.age_below_years is not None and facts.age_below_years <= min_age:
        age = crit(name, "not_met", f"age under {facts.age_below_years:g} years")
    elif facts.age_group == "adult" and min_age <= 18:
        age = crit(name, "met", "stated adult")
    else:
        age = crit(name, "unknown", "age not given" if facts.age_group is None else "stated child, age not given")
    w = facts.weight_in_kg
    wname = f"weight ≥{fmt(min_kg)} kg"
    bound = facts.weight_below_kg
    if w is None:
        weight = (crit(wname, "not_met", f"weight under {bound:g} kg") if bound is not None and bound <= min_kg
                  else crit(wname, "unknown", "weight not given"))
    else:
        weight = crit(wname, "met" if w >= min_kg else "not_met", f"weight {w:.4g} kg")
    return age, weight


def _population_text(drug: Drug) -> str:
    info = drug_info(drug)
    return f"patients {fmt(info.min_age_years or 0)} years and older weighing ≥{fmt(info.min_weight_kg or 0)} kg"


def _upadacitinib(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    age_ok, weight_ok = _upa_population(facts)
    renal = classify_renal(facts)
    inputs = {"age_years": facts.age_years, "age_group": facts.age_group, "weight_kg": facts.weight_kg,
              "weight_lb": facts.weight_lb, "weight_below_kg": facts.weight_below_kg, "egfr": facts.egfr,
              "ckd_stage": facts.ckd_stage,
              "severe_renal_impairment": facts.severe_renal_impairment, "current_dose_mg": facts.current_dose_mg,
              "inadequate_response": facts.inadequate_response}
    if facts.age_at_least_years is not None:
        inputs["age_at_least_years"] = facts.age_at_least_years
    if facts.age_below_years is not None:
        inputs["age_below_years"] = facts.age_below_years
    start = Dose(drug="upadacitinib", phase="start", low=15, unit="mg", route="oral", frequency="once daily")
    if age_ok.status == "not_met" or weight_ok.status == "not_met":
        failed = age_ok if age_ok.status == "not_met" else weight_ok
        return [book.decision(
            "DOSE-UPADACITINIB", outcome="not_covered", verdict="outside_population", inputs=inputs,
            criteria=(age_ok, weight_ok),
            statement=f"Not covered: the guideline gives upadacitinib only for {_population_text('upadacitinib')}, "
                      f"and this patient is outside that ({failed.detail}); it gives no dose for them.",
        )]
    if weight_ok.status == "unknown" and facts.is_adult is False:
        # a child: the stated ≥40 kg decides whether the guideline gives upadacitinib at all, so ask for it
        return [book.decision(
            "DOSE-UPADACITINIB", outcome="needs_info", verdict="needs_weight", inputs=inputs,
            criteria=(age_ok, weight_ok), missing=("weight",),
            statement=f"The guideline gives upadacitinib only for {_population_text('upadacitinib')}: I need the "
                      "weight of this child to say whether it applies.",
        )]
    renal_c = crit("no severe renal impairment", "unknown" if renal.value is None else
                   "met" if renal.value == "not_severe" else "not_met", renal.detail, renal.basis)
    if renal.value == "kidney_failure":
        return [book.decision(
            "DOSE-UPADACITINIB", outcome="not_covered", verdict="kidney_failure_not_addressed", inputs=inputs,
            criteria=(age_ok, weight_ok, renal_c),
            statement=f"Not covered: the guideline addresses upadacitinib in severe renal impairment (15 mg once "
                      f"daily only) but not kidney failure ({renal.detail}); it gives no dose for this patient.",
        )]
    old = facts.age_65_or_older
    age65 = crit("age <65 years", "unknown" if old is None else "not_met" if old else "met",
                 f"age {facts.age_years:g} years" if facts.age_years is not None else
                 f"age at least {facts.age_at_least_years:g} years" if old else
                 f"age under {facts.age_below_years:g} years" if old is False else "age not given")
    population = "" if weight_ok.status == "met" and age_ok.status == "met" else (
        f" (The guideline gives upadacitinib for {_population_text('upadacitinib')}"
        f"; {'; '.join(c.detail for c in (age_ok, weight_ok) if c.status == 'unknown')}.)")
    restricted = old is True or renal.value == "severe"
    on_15_failing = (facts.current_drug == "upadacitinib" and facts.current_dose_mg == 15
                     and facts.inadequate_response is True)
    wants_more = q.escalation or on_15_failing or (q.requested_dose_mg is not None and q.requested_dose_mg > 15)
    note, note_verdict = _request_note(q, "Upadacitinib", "daily", "once daily", fixed_mg=(15, 30))
    kg_note, kg_verdict = _fixed_per_kg_note(q, "Upadacitinib")
    note, note_verdict = f"{note} {kg_note}".strip(), note_verdict or kg_verdict
    note = f" {note}" if note else ""
    if q.requested_frequency is not None and q.requested_frequency != "daily":
        # "30 mg BID": the guideline gives upadacitinib once daily only; no age or renal function changes that
        return [book.decision(
            "DOSE-UPADACITINIB-ESCALATION" if (q.requested_dose_mg or 0) > 15 else "DOSE-UPADACITINIB",
            verdict="frequency_corrected", inputs=inputs, criteria=(age_ok, weight_ok, age65, renal_c), doses=(start,),
            statement=f"Upadacitinib is given once daily in the guideline, not {_FREQ_WORDS[q.requested_frequency]}: "
                      "start 15 mg orally once daily; 30 mg once daily only if response is inadequate in patients "
                      "<65 years without severe renal impairment.",
        )]
    if q.requested_dose_mg is not None and q.requested_dose_mg not in (15, 30):
        # an amount the guideline never gives is answered as such: no age or renal function would make it right
        return [book.decision(
            "DOSE-UPADACITINIB-ESCALATION" if q.requested_dose_mg > 15 else "DOSE-UPADACITINIB",
            verdict="dose_not_in_guideline", inputs=inputs,
            criteria=(age_ok, weight_ok, age65, renal_c), doses=(start,),
            statement=f"{fmt(q.requested_dose_mg)} mg is not a dose the guideline gives for upadacitinib: it gives "
                      "15 mg once daily to start, and 30 mg once daily only if response is inadequate in patients "
                      "<65 years without severe renal impairment.",
        )]
    if restricted:
        why = "; ".join(c.detail for c in (age65, renal_c) if c.status == "not_met")
        dose = Dose(drug="upadacitinib", phase="restricted", low=15, unit="mg", route="oral", frequency="once daily")
        verdict = "escalation_not_allowed" if wants_more else "restricted_to_15mg"
        already = facts.current_drug == "upadacitinib" and (facts.current_dose_mg or 0) > 15
        lead = ("30 mg is not for this patient. " if already else "Do not increase to 30 mg. ") if wants_more else ""
        return [book.decision(
            "DOSE-UPADACITINIB-ESCALATION" if wants_more else "DOSE-UPADACITINIB", verdict=verdict, inputs=inputs,
            criteria=(age_ok, weight_ok, age65, renal_c), doses=(dose,),
            statement=f"{lead}Upadacitinib: use only 15 mg once daily in patients ≥65 years or with severe renal "
                      f"impairment ({why}).{note}{population}",
        )]
    starting_at_30 = (q.requested_dose_mg == 30 and q.start_request and not q.escalation
                      and facts.current_drug != "upadacitinib" and facts.inadequate_response is not True)
    if starting_at_30:
        # "start at 30 mg in a patient never on it": 30 mg is an increase after an inadequate response, never a start
        return [book.decision(
            "DOSE-UPADACITINIB-ESCALATION", verdict="not_a_start_dose", inputs=inputs,
            criteria=(age_ok, weight_ok, age65, renal_c), doses=(start,),
            statement="Upadacitinib starts at 15 mg orally once daily; 30 mg once daily is an increase for an "
                      f"inadequate response in patients <65 years without severe renal impairment, not a starting "
                      f"dose.{population}",
        )]
    if not wants_more:
        esc = ("May increase to 30 mg once daily if inadequate response in patients <65 years; use only 15 mg once "
               "daily in patients ≥65 years or with severe renal impairment.")
        return [book.decision(
            "DOSE-UPADACITINIB", inputs=inputs, criteria=(age_ok, weight_ok, age65, renal_c), verdict=note_verdict,
            doses=(start, Dose(drug="upadacitinib", phase="escalation", low=30, unit="mg", route="oral",
                               frequency="once daily"))
            if old is False and renal.value == "not_severe" and age_ok.status == "met" else (start,),
            statement=f"Upadacitinib: start 15 mg orally once daily. {esc}{note}{population}",
        )]
    # an age known only to be under 19 ("born 2008") leaves both the ≥12 population and the increase open
    missing = tuple(m for m, c in (("age_years", age65 if age_ok.status != "unknown" else age_ok),
                                   ("renal_function", renal_c)) if c.status == "unknown")
    response = crit("inadequate response to 15 mg", "unknown" if facts.inadequate_response is None else
                    "met" if facts.inadequate_response else "not_met",
                    "response not described" if facts.inadequate_response is None else
                    f"inadequate response: {facts.inadequate_response}")
    criteria = (age_ok, weight_ok, age65, renal_c, response)
    if missing:
        need = " and ".join({"age_years": "the patient's age", "renal_function": "renal function (eGFR)"}[m]
                            for m in missing)
        return [book.decision(
            "DOSE-UPADACITINIB-ESCALATION", outcome="needs_info", verdict="needs_info", inputs=inputs,
            criteria=criteria, missing=missing, doses=(start,),
            statement=f"Before allowing 30 mg of upadacitinib I need {need}: the guideline allows 30 mg once daily "
                      f"only in patients <65 years, and only 15 mg once daily at ≥65 years or with severe renal "
                      f"impairment.{note}",
        )]
    if facts.inadequate_response is False:
        return [book.decision(
            "DOSE-UPADACITINIB-ESCALATION", verdict="escalation_not_indicated", inputs=inputs, criteria=criteria,
            doses=(start,),
            statement="Upadacitinib: the guideline allows an increase to 30 mg once daily only if response is "
                      f"inadequate; with an adequate response, stay on 15 mg once daily.{note}{population}",
        )]
    cond = "" if facts.inadequate_response else " if response to 15 mg is inadequate"
    return [book.decision(
        "DOSE-UPADACITINIB-ESCALATION", verdict="escalation_allowed", inputs=inputs, criteria=criteria,
        doses=(Dose(drug="upadacitinib", phase="escalation", low=30, unit="mg", route="oral", frequency="once daily"),),
        statement=f"Upadacitinib may be increased to 30 mg once daily{cond}: the patient is <65 years "
                  f"({age65.detail}) without severe renal impairment ({renal_c.detail}).{note}{population}",
    )]


def _per_kg(book: Rulebook, rule_id: str, drug: Drug, facts: PatientFacts, q: Query, low: float, high: float,
            phase: DosePhase, text: str, divided: bool, extra: str = "", states_age: bool = False) -> Decision:
    """A mg/kg/day dose, computed from the patient's weight when known."""
    name = drug_info(drug).name
    inputs = {"weight_kg": facts.weight_kg, "weight_lb": facts.weight_lb, "age_years": facts.age_years}
    base = Dose(drug=drug, phase=phase, low=low, high=high, unit="mg/kg/day", route="oral",
                frequency="twice daily" if divided else "daily")
    kg_note, kg_verdict = _per_kg_request(q, name, low, high)
    if facts.weight_in_kg is None and kg_note:
        # "6 mg/kg/day?" is compared with the range itself: the weight would not change the answer
        return book.decision(
            rule_id, verdict=kg_verdict, inputs=inputs, doses=(base,),
            criteria=(crit("proposed mg/kg/day within range", "not_met" if kg_verdict else "met", kg_note),),
            statement=f"{name}: {text}. {kg_note}{extra}",
        )
    if facts.weight_in_kg is None:
        return book.decision(
            rule_id, outcome="needs_info", verdict="needs_weight", inputs=inputs, missing=("weight",), doses=(base,),
            criteria=(crit("weight known", "unknown", "weight not given"),),
            statement=f"{name}: {text}. I need the patient's weight (kg or lb) to compute the dose.{extra}",
        )
    kg, how = _weight_formula(facts)
    day_lo, day_hi = round1(low * kg), round1(high * kg)
    formula = f"weight {how}; {fmt(low)}-{fmt(high)} mg/kg/day × {kg:.4g} kg = {fmt(day_lo)}-{fmt(day_hi)} mg/day"
    per = ""
    dose = base.model_copy(update={"patient_low_mg": day_lo, "patient_high_mg": day_hi, "patient_per": "day"})
    if divided:
        d_lo, d_hi = round1(low * kg / 2), round1(high * kg / 2)
        formula += f"; divided twice daily: {fmt(d_lo)}-{fmt(d_hi)} mg per dose"
        per = f", i.e. {fmt(d_lo)}-{fmt(d_hi)} mg twice daily"
        dose = dose.model_copy(update={"per_dose_low_mg": d_lo, "per_dose_high_mg": d_hi})
    formula += f" ({ROUNDING_NOTE})"
    dose = dose.model_copy(update={"formula": formula})
    weight_text = f"{facts.weight_lb:g} lb ({kg:.4g} kg)" if facts.weight_kg is None else f"{kg:g} kg"
    note, verdict = _request_note(
        q, name, "twice_daily" if divided else ("daily", "twice_daily"), "twice daily" if divided else "daily",
        low=day_lo,
        high=day_hi, per_dose=(round1(low * kg / 2), round1(high * kg / 2)) if divided else None)
    note, verdict = f"{note} {kg_note}".strip(), verdict or kg_verdict
    child = ""
    if facts.is_adult is False and not states_age:
        child = " The guideline states this dose without an age range."
    return book.decision(
        rule_id, inputs=inputs, doses=(dose,), formula=formula, verdict=verdict,
        criteria=(crit("weight known", "met", how),),
        statement=f"{name} {text}: for {weight_text}, {fmt(day_lo)}-{fmt(day_hi)} mg/day{per}.{child}{extra}"
                  + (f" {note}" if note else ""),
    )


def _cyclosporine(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    return [_per_kg(book, "DOSE-CYCLOSPORINE", "cyclosporine", facts, q, 3, 5, "typical",
                    "3-5 mg/kg/day orally divided twice daily", divided=True)]


def _azathioprine(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    return [_per_kg(book, "DOSE-AZATHIOPRINE", "azathioprine", facts, q, 1, 3, "typical", "1-3 mg/kg/day orally",
                    divided=False, extra=" Consider TPMT testing before initiation.")]


def _methotrexate(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    adult = _adult_criterion(facts)
    inputs = _age_inputs(facts)
    child = _no_pediatric_dose(book, "DOSE-METHOTREXATE", "methotrexate", facts, adult,
                               "methotrexate only as a fixed adult dose")
    if child is not None:
        return child
    dose = Dose(drug="methotrexate", phase="typical", low=7.5, high=25, unit="mg", route="oral",
                frequency="once weekly")
    daily = q.requested_frequency in ("daily", "twice_daily", "three_times_daily", "every_other_day")
    note, verdict = _request_note(q.model_copy(update={"requested_frequency": None}) if daily else q, "Methotrexate",
                                  "weekly", "once weekly", low=7.5, high=25)
    kg_note, kg_verdict = _fixed_per_kg_note(q, "Methotrexate")
    note, verdict = f"{note} {kg_note}".strip(), verdict or kg_verdict
    statement = ("Methotrexate is dosed once weekly, never daily. " if daily else "") + \
        "Methotrexate: 7.5-25 mg orally once weekly."
    verdict = "frequency_corrected" if daily else verdict
    if adult.status == "unknown":
        statement += f" This is the adult dose; {_NO_PEDIATRIC}."
    if note:
        statement += f" {note}"
    return [book.decision("DOSE-METHOTREXATE", statement=statement, verdict=verdict, inputs=inputs,
                          criteria=(adult,), doses=(dose,))]


def _mycophenolate(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    age = classify_age(facts)
    adult_dose = Dose(drug="mycophenolate", phase="typical", low=1.0, high=1.5, unit="g", route="oral",
                      frequency="twice daily")
    if age.value == "adult":
        criteria: tuple[Criterion, ...] = (crit("adult (18 years or older)", "met", age.detail, age.basis),)
        if q.requested_frequency == "daily" and q.requested_dose_mg is not None:
            # "3 g/day": a daily total of a twice-daily drug is compared per dose (half of it), never as once daily
            per_dose = q.requested_dose_mg / 2
            inside = 1000 <= per_dose <= 1500
            how = f"{fmt(q.requested_dose_mg)} mg per day ÷ 2 = {fmt(per_dose)} mg per dose"
            criteria += (crit("daily total within 1.0-1.5 g twice daily", "met" if inside else "not_met", how),)
            note = (f"{how}: {'within' if inside else 'outside'} the guideline's 1.0-1.5 g twice daily"
                    + ("." if inside else f" ({'above' if per_dose > 1500 else 'below'} it)."))
            verdict = None if inside else "dose_outside_range"
        else:
            note, verdict = _request_note(q, "Mycophenolate", "twice_daily", "twice daily", low=1000, high=1500,
                                          range_text="1.0-1.5 g")
        kg_note, kg_verdict = _fixed_per_kg_note(q, "Mycophenolate (adult)")
        note, verdict = f"{note} {kg_note}".strip(), verdict or kg_verdict
        return [book.decision(
            "DOSE-MYCOPHENOLATE", verdict=verdict, inputs=_age_inputs(facts), criteria=criteria, doses=(adult_dose,),
            statement=f"Mycophenolate: 1.0-1.5 g orally twice daily. {note}".strip(),
        )]
    if age.value == "child":
        d = _per_kg(book, "DOSE-MYCOPHENOLATE", "mycophenolate", facts, q, 30, 50, "pediatric",
                    "pediatric 30-50 mg/kg daily", divided=False,
                    extra=" The fixed adult regimen does not apply to children.", states_age=True)
        age_c = crit("pediatric (under 18 years)", "met", age.detail, age.basis)
        return [d.model_copy(update={"criteria": (age_c, *d.criteria)})]
    mg = q.requested_dose_mg
    if mg is not None and mg > 1500 and q.requested_frequency == "twice_daily":
        # "2 g twice daily", age unknown: above the adult maximum per dose whoever the patient is; say so plainly
        return [book.decision(
            "DOSE-MYCOPHENOLATE", verdict="dose_outside_range", inputs=_age_inputs(facts), doses=(adult_dose,),
            criteria=(crit("proposed amount within 1.0-1.5 g per dose", "not_met", f"{fmt(mg)} mg per dose"),
                      crit("adult or pediatric", "unknown", age.detail, age.basis)),
            statement=f"{fmt(mg)} mg per dose is above the guideline's adult 1.0-1.5 g twice daily; for a child it "
                      "gives 30-50 mg/kg daily. Give the patient's age (and weight for a child) to check it further.",
        )]
    return [book.decision(
        "DOSE-MYCOPHENOLATE", outcome="needs_info", verdict="needs_age", inputs=_age_inputs(facts),
        missing=("age_years",), doses=(adult_dose,),
        criteria=(crit("adult or pediatric", "unknown", age.detail, age.basis),),
        statement="Mycophenolate: 1.0-1.5 g orally twice daily for adults; pediatric 30-50 mg/kg daily. I need the "
                  "patient's age (and weight for a child) to say which applies.",
    )]


def _not_stated(rule_id: str) -> Callable[[Rulebook, PatientFacts, Query], list[Decision]]:
    def rule(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
        name = drug_info(book.rules[rule_id].drug or "dupilumab").name  # every DOSE rule names a drug
        return [book.decision(
            rule_id, outcome="not_covered", verdict="no_dose_in_guideline",
            statement=f"Not covered: the guideline recommends {name.lower()} (strong recommendation) but gives no "
                      f"dose for it. Use the product's prescribing information.",
        )]

    return rule


def _corticosteroids(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    return [book.decision(
        "DOSE-CORTICOSTEROIDS", outcome="not_covered", verdict="no_dose_recommended_against",
        statement="Not covered: the guideline gives no dose for systemic corticosteroids and makes a conditional "
                  "recommendation against them in atopic dermatitis; at most short-term rescue therapy.",
    )]


DOSE_RULES: dict[Drug, Callable[[Rulebook, PatientFacts, Query], list[Decision]]] = {
    "dupilumab": _dupilumab,
    "upadacitinib": _upadacitinib,
    "cyclosporine": _cyclosporine,
    "methotrexate": _methotrexate,
    "azathioprine": _azathioprine,
    "mycophenolate": _mycophenolate,
    "tralokinumab": _not_stated("DOSE-TRALOKINUMAB"),
    "abrocitinib": _not_stated("DOSE-ABROCITINIB"),
    "baricitinib": _not_stated("DOSE-BARICITINIB"),
    "systemic_corticosteroids": _corticosteroids,
}


def dose_decisions(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    """Dose decisions for ``q.drug`` (the caller makes sure a drug is given)."""
    assert q.drug is not None
    return DOSE_RULES[q.drug](book, facts, q)
