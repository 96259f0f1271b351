"""The corpus manifest: what the text is, its hash, and its heading structure."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ManifestError

__all__ = ["Heading", "Manifest", "read_manifest"]


class Heading(BaseModel):
    """A heading line of the guideline and the slug its passages' ids start with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    """The heading line, verbatim."""
    level: int = Field(ge=0, le=2)
    """0 for the title, 1 for a section, 2 for a drug under a section."""
    slug: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """Short, stable prefix for passage ids."""


class Manifest(BaseModel):
    """Identity of the guideline text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_id: str
    """Identifier used as ``source`` in every citation."""
    title: str
    """Human title of the guideline."""
    file: str
    """File name of the text, next to the manifest."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """Hex sha256 of the file's bytes."""
    version: str
    """Version of this corpus packaging."""
    encoding: str = "utf-8"
    """Text encoding of the file."""
    headings: tuple[Heading, ...]
    """Every heading line in order of appearance."""


def read_manifest(path: Path) -> Manifest:
    """Read and validate ``manifest.json``."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"Corpus manifest not found at {path}; restore corpus/manifest.json.") from exc
    except json.JSONDecodeError as exc:
        raise ManifestError(f"Corpus manifest {path} is not valid JSON: {exc}") from exc
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise ManifestError(f"Corpus manifest {path} is malformed: {exc}") from exc
