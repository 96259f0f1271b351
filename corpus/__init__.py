"""The guideline text, verbatim, with its manifest and passage segmentation."""

from .concepts import CONCEPTS_FILE, Concept, get_concepts, load_concepts
from .errors import (
    ConceptMapError,
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
    "CONCEPTS_FILE",
    "Concept",
    "ConceptMapError",
    "get_concepts",
    "load_concepts",
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
