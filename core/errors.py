"""Errors raised by the rule core.

Tree::

    CoreError
    ├── InvalidFactsError     patient facts are impossible or contradictory (wraps pydantic's errors)
    └── RuleDefinitionError   a rule is malformed, e.g. cites text that is not in the guideline
"""

from __future__ import annotations

from pydantic import ValidationError

__all__ = ["CoreError", "InvalidFactsError", "RuleDefinitionError", "describe_validation_error"]


class CoreError(Exception):
    """Base class for every rule-core problem."""


class InvalidFactsError(CoreError, ValueError):
    """Facts that no patient can have; ``problems`` lists one clear message per field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Invalid patient facts: " + "; ".join(problems))


class RuleDefinitionError(CoreError):
    """A rule definition is inconsistent with the corpus (fix the rule, never the corpus)."""


def describe_validation_error(exc: ValidationError) -> list[str]:
    """One readable message per problem, naming the field: ``age_years: must be 0–120 years (got 300)``."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        msg = str(err.get("msg", "invalid"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        out.append(f"{loc}: {msg}" if loc else msg)
    return out
