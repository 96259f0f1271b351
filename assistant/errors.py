"""Errors raised by the assistant layer (retrieval, chat, command line).

Tree::

    AssistantError
    └── RetrievalError   the passage index cannot be opened, built or queried
"""

from __future__ import annotations

__all__ = ["AssistantError", "RetrievalError"]


class AssistantError(Exception):
    """Base class for every assistant-layer problem."""


class RetrievalError(AssistantError):
    """The passage index is unusable; the message says how to fix it."""
