"""Errors raised by the corpus package.

Tree::

    CorpusError
    ├── CorpusIntegrityError   the text on disk is not the text the manifest names
    ├── ManifestError          the manifest is missing or malformed
    ├── SegmentationError      the text does not segment the way the manifest says
    ├── QuoteNotFoundError     a quote is not an exact substring of the corpus
    └── ConceptMapError        the concept map is unreadable or names passages the corpus lacks
"""

from __future__ import annotations

__all__ = [
    "ConceptMapError",
    "CorpusError",
    "CorpusIntegrityError",
    "ManifestError",
    "QuoteNotFoundError",
    "SegmentationError",
]


class CorpusError(Exception):
    """Base class for every corpus problem."""


class CorpusIntegrityError(CorpusError):
    """The guideline text's sha256 differs from the manifest's."""

    def __init__(self, path: str, expected: str, actual: str) -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"Corpus file {path} has sha256 {actual}, but the manifest expects {expected}. "
            "The guideline text must be a byte-for-byte copy of "
            "../shared/corpus/ad-systemic-therapy-guideline.txt; restore it with "
            "`git checkout -- corpus/` (never edit the copy)."
        )


class ManifestError(CorpusError):
    """The manifest cannot be read or does not describe the text."""


class SegmentationError(CorpusError):
    """The text could not be split into passages as the manifest describes."""


class QuoteNotFoundError(CorpusError):
    """A citation quote is not verbatim guideline text."""

    def __init__(self, quote: str, where: str = "the corpus") -> None:
        self.quote = quote
        super().__init__(
            f"Quote is not an exact substring of {where}: {quote!r}. "
            "Citations must be copied byte for byte from corpus/ad-systemic-therapy-guideline.txt."
        )


class ConceptMapError(CorpusError):
    """``concepts.yaml`` cannot be read, or an entry is malformed or names a passage the corpus lacks."""
