"""Numbers the extractor could not place are said, never silently dropped."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.extract import extract
from assistant.pipeline import Assistant
from assistant.providers import OfflineProvider
from assistant.unread import unread_note, unread_numbers


@pytest.fixture(scope="module")
def bot() -> Assistant:
    return Assistant(provider=OfflineProvider(), retrieval=False)


@pytest.mark.parametrize(
    ("question", "unread"),
    [
        ("72 yo on upadacitinib 15 mg, can I go to 30?", []),  # every number placed
        ("pt 154 lb starting CsA how much/day", []),  # weight in lb placed
        # a number we cannot use: two words before it and one after, for context
        ("seen 3 times in clinic this year, start dupilumab?", ["seen 3 times"]),
        ("the renal result came back 24", ["came back 24"]),  # a fact we could not read
        # a weight without a unit is not guessed as kg or lb
        ("pt weighs about 70, cyclosporine dose?", ["weighs about 70, cyclosporine"]),
    ],
)
def test_unread_numbers(question: str, unread: list[str]) -> None:
    assert unread_numbers(question, extract(question)) == unread


def test_a_follow_up_with_only_an_unreadable_number_asks_instead_of_answering(bot: Assistant) -> None:
    conv = Conversation()
    first = bot.ask("rinvoq 15 for a 60F, eGFR 75, not enough - go to 30?", conv)
    assert first.decisions[0].verdict == "escalation_allowed"
    # if this number is eGFR 24 the earlier "may increase" is wrong: never repeat it as if nothing was said
    second = bot.ask("the renal result came back 24", conv)
    assert second.status == "needs_info"
    assert second.decisions == []
    assert "came back 24" in second.answer and "nothing was decided" in second.answer


def test_an_answer_that_ignores_a_number_says_so(bot: Assistant) -> None:
    a = bot.ask("seen 3 times in clinic this year, start dupilumab?")
    assert a.decisions  # still answered
    assert a.answer.endswith(unread_note(["seen 3 times"]))
    assert a.problems == [unread_note(["seen 3 times"])]
