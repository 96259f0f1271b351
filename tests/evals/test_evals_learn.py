"""Training the learned retrieval model: reproducible from the committed sets, never from an unrun blind set."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from assistant.learned import get_learned_model  # noqa: E402
from evals.learn import TRAINING_SETS, train_learned_model  # noqa: E402

EVALS = Path(__file__).resolve().parents[2] / "evals"


def test_the_packaged_model_is_what_training_gives() -> None:
    # a hand-edited or stale learned_retrieval.json fails here: regenerate it with `adguide eval learn`
    assert get_learned_model() == train_learned_model()


def test_every_training_set_records_its_first_run() -> None:
    # a blind set trains the model only after it was scored once as written (its FIRST_RUN.txt is committed)
    for name in TRAINING_SETS:
        assert (EVALS / name / "FIRST_RUN.txt").is_file(), f"{name} has no recorded first run"
