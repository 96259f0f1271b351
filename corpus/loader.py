"""Load the guideline corpus from disk, verifying its sha256."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .errors import CorpusIntegrityError, QuoteNotFoundError
from .manifest import Manifest, read_manifest
from .passage import Passage
from .segment import segment

__all__ = ["CORPUS_DIR", "Corpus", "get_corpus", "load_corpus"]

CORPUS_DIR = Path(__file__).resolve().parent
"""Folder holding the packaged guideline text and its manifest."""


class Corpus(BaseModel):
    """The guideline text, its manifest and its passages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    manifest: Manifest
    """What the text is."""
    text: str
    """The decoded guideline text."""
    sha256: str
    """sha256 of the bytes the text was decoded from."""
    passages: tuple[Passage, ...]
    """Every line as a passage, in order."""

    @classmethod
    def from_text(cls, text: str, manifest: Manifest) -> Corpus:
        """Build a corpus from text in memory (no hash check: for tests and tools)."""
        return cls(
            manifest=manifest,
            text=text,
            sha256=hashlib.sha256(text.encode(manifest.encoding)).hexdigest(),
            passages=segment(text, manifest.headings),
        )

    @property
    def source_id(self) -> str:
        """The ``source`` of every citation into this corpus."""
        return self.manifest.source_id

    @property
    def short_sha(self) -> str:
        """First 12 hex digits of the sha256, for display."""
        return self.sha256[:12]

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id (``KeyError`` if none)."""
        for p in self.passages:
            if p.id == passage_id:
                return p
        raise KeyError(passage_id)

    def locate(self, quote: str) -> Passage:
        """The single passage whose citable text contains ``quote`` exactly.

        Raises ``QuoteNotFoundError`` if no passage contains it or if it is ambiguous,
        so a rule can never cite text that is not in the guideline.
        """
        hits = [p for p in self.passages if quote and quote in p.quote]
        if len(hits) != 1 or quote not in self.text:
            where = "the corpus" if not hits else f"exactly one passage (found in {[p.id for p in hits]})"
            raise QuoteNotFoundError(quote, where)
        return hits[0]

    def contains(self, quote: str) -> bool:
        """True when ``quote`` is a non-empty exact substring of the text."""
        return bool(quote) and quote in self.text


def load_corpus(directory: Path | None = None, *, verify: bool = True) -> Corpus:
    """Read ``manifest.json`` and the text it names from ``directory``.

    With ``verify`` (the default) a text whose sha256 differs from the manifest's is refused
    with ``CorpusIntegrityError`` naming the file and both hashes.
    """
    folder = Path(directory) if directory is not None else CORPUS_DIR
    manifest = read_manifest(folder / "manifest.json")
    path = folder / manifest.file
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if verify and actual != manifest.sha256:
        raise CorpusIntegrityError(str(path), manifest.sha256, actual)
    text = data.decode(manifest.encoding)
    return Corpus(manifest=manifest, text=text, sha256=actual, passages=segment(text, manifest.headings))


@lru_cache(maxsize=1)
def get_corpus() -> Corpus:
    """The packaged, verified corpus (loaded once per process)."""
    return load_corpus()
