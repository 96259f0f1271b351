"""One passage of the guideline: a line, with its section and reference markers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Passage", "PassageKind"]

PassageKind = Literal["title", "heading", "intro", "statement", "bullet"]


class Passage(BaseModel):
    """A line of the guideline with stable id and offsets into the text.

    Offsets count Python ``str`` characters (code points) of the decoded text.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    """Stable id: the section slug and the ordinal in it (``dupilumab-2``); headings use the slug."""
    kind: PassageKind
    """What the line is: the title, a heading, an intro ending in ':', a statement or a bullet."""
    line: int
    """1-based line number in the source text."""
    section: str
    """The top-level section heading the passage belongs to."""
    subsection: str | None
    """The drug-level heading under the section, if any."""
    text: str
    """The whole line, exactly as in the source (reference markers included)."""
    start: int
    """Offset of the line's first character in the corpus text."""
    end: int
    """Offset one past the line's last character (the newline is not included)."""
    quote: str
    """The citable text: the line without its bullet prefix and trailing reference markers."""
    quote_start: int
    """Offset of ``quote`` in the corpus text."""
    quote_end: int
    """Offset one past the end of ``quote``."""
    refs: tuple[str, ...]
    """Reference markers parsed from the end of the line (``"… every 2 weeks 2, 3"`` → ``("2", "3")``)."""

    @property
    def heading_path(self) -> str:
        """``Section › Subsection`` for display."""
        return f"{self.section} › {self.subsection}" if self.subsection else self.section
