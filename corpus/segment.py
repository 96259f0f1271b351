"""Split the guideline text into passages with stable ids and exact offsets."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import SegmentationError
from .manifest import Heading
from .passage import Passage, PassageKind

__all__ = ["segment", "split_refs"]

# Reference markers are small integers at the very end of a line: "… every 2 weeks 2, 3".
_REFS = re.compile(r"\s+(\d{1,2}(?:,\s*\d{1,2})*)$")
_BULLET = "- "


def split_refs(line: str) -> tuple[str, tuple[str, ...]]:
    """Return the line without trailing reference markers, and the markers."""
    match = _REFS.search(line)
    if match is None:
        return line, ()
    refs = tuple(part.strip() for part in match.group(1).split(","))
    return line[: match.start()], refs


def segment(text: str, headings: Sequence[Heading]) -> tuple[Passage, ...]:
    """Segment ``text`` line by line.

    Every line becomes one passage; heading lines must be exactly those the manifest lists,
    so an edit that adds or drops a heading fails here rather than shifting ids silently.
    """
    by_text = {h.text: h for h in headings}
    if len(by_text) != len(headings):
        raise SegmentationError("The manifest lists a heading twice.")
    seen: list[str] = []
    passages: list[Passage] = []
    section = subsection = None
    slug = None
    counts: dict[str, int] = {}
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        heading = by_text.get(line)
        kind: PassageKind
        if heading is not None:
            seen.append(line)
            slug = heading.slug
            if heading.level <= 1:
                section, subsection = line, None
            else:
                subsection = line
            kind = "title" if heading.level == 0 else "heading"
            passages.append(
                Passage(id=slug, kind=kind, line=number, section=section or line, subsection=subsection,
                        text=line, start=start, end=end, quote=line, quote_start=start, quote_end=end, refs=())
            )
            continue
        if slug is None or section is None:
            raise SegmentationError(f"Line {number} comes before the first heading: {line!r}")
        body, refs = split_refs(line)
        lead = 0
        if body.startswith(_BULLET):
            kind, lead = "bullet", len(_BULLET)
        elif body.endswith(":") and not refs:
            kind = "intro"
        elif refs:
            kind = "statement"
        else:
            raise SegmentationError(
                f"Line {number} has no reference markers and is not a listed heading: {line!r}. "
                "If it is a heading, add it to corpus/manifest.json."
            )
        counts[slug] = counts.get(slug, 0) + 1
        passages.append(
            Passage(
                id=f"{slug}-{counts[slug]}", kind=kind, line=number, section=section, subsection=subsection,
                text=line, start=start, end=end, quote=body[lead:], quote_start=start + lead,
                quote_end=start + len(body), refs=refs,
            )
        )
    missing = [h.text for h in headings if h.text not in seen]
    if missing:
        raise SegmentationError(f"Manifest headings not found in the text: {missing}")
    return tuple(passages)
