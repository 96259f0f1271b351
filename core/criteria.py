"""Small helpers to build criteria from known / unknown inputs."""

from __future__ import annotations

from .decision import Criterion, CriterionStatus

__all__ = ["at_least", "crit", "verdict_of"]


def crit(name: str, status: CriterionStatus, detail: str, basis: str | None = None) -> Criterion:
    """Shorthand for ``Criterion``."""
    return Criterion(name=name, status=status, detail=detail, basis=basis)


def at_least(name: str, value: float | None, threshold: float, what: str, unit: str = "") -> Criterion:
    """``value ≥ threshold`` as met / not met / unknown."""
    if value is None:
        return crit(name, "unknown", f"{what} not given")
    status: CriterionStatus = "met" if value >= threshold else "not_met"
    sign = "≥" if status == "met" else "<"
    return crit(name, status, f"{what} {value:g}{unit} {sign} {threshold:g}{unit}")


def verdict_of(criteria: tuple[Criterion, ...] | list[Criterion]) -> CriterionStatus:
    """All met → met; any not met → not_met; otherwise unknown."""
    statuses = {c.status for c in criteria}
    if "not_met" in statuses:
        return "not_met"
    if "unknown" in statuses:
        return "unknown"
    return "met"
