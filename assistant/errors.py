"""Errors raised by the assistant layer (retrieval, chat, command line).

Tree::

    AssistantError
    ├── AuditError        the audit store cannot be opened, read or written (``assistant.audit``)
    ├── RetrievalError    the passage index cannot be opened, built or queried
    └── VocabularyError   a vocabulary data file under assistant/vocab/ is invalid
"""

from __future__ import annotations

__all__ = ["AssistantError", "RetrievalError", "VocabularyError"]


class AssistantError(Exception):
    """Base class for every assistant-layer problem."""


class RetrievalError(AssistantError):
    """The passage index is unusable; the message says how to fix it."""


class VocabularyError(AssistantError):
    """A file under ``assistant/vocab/`` is invalid; the message names the file and the problem."""
