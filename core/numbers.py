"""Number formatting and rounding used in statements and formulas (one place, so they agree)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["ROUNDING_NOTE", "fmt", "round1"]

ROUNDING_NOTE = "rounded half-up to 0.1 mg; the guideline gives no rounding to tablet or capsule sizes"


def round1(value: float) -> float:
    """Round half-up to one decimal (Python's ``round`` rounds half to even)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def fmt(value: float) -> str:
    """``210.0`` → ``'210'``, ``209.55`` → ``'209.6'``."""
    return f"{round1(value):g}" if abs(value) < 1e6 else f"{value:.1f}"
