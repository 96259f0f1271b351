"""The guideline text, verbatim, with its manifest and passage segmentation."""

from .errors import (
    CorpusError,
    CorpusIntegrityError,
    ManifestError,
    QuoteNotFoundError,
    SegmentationError,
)
from .loader import CORPUS_DIR, Corpus, get_corpus, load_corpus
from .manifest import Heading, Manifest, read_manifest
from .passage import Passage, PassageKind
from .segment import segment, split_refs

__all__ = [
    "CORPUS_DIR",
    "Corpus",
    "CorpusError",
    "CorpusIntegrityError",
    "Heading",
    "Manifest",
    "ManifestError",
    "Passage",
    "PassageKind",
    "QuoteNotFoundError",
    "SegmentationError",
    "get_corpus",
    "load_corpus",
    "read_manifest",
    "segment",
    "split_refs",
]
