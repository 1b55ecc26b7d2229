"""Event dates resolved against the document date (a made-up article dated Thursday 27 January 2022)."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwatch.coding.dates import DateFinder, resolve_expression

DOC_DATE = dt.date(2022, 1, 27)  # a Thursday


@pytest.fixture(scope="module")
def finder(knowledge) -> DateFinder:
    return DateFinder(knowledge.dates)


def resolve_event_date(sentence, token, doc_date, finder):
    return finder.event_date(sentence, list(sentence.ents), token, doc_date)


def _resolve(nlp, finder, text: str, trigger: str, doc_date: dt.date | None = DOC_DATE) -> tuple[str | None, str]:
    doc = nlp(text)
    sentence = next(doc.sents)
    token = next(t for t in sentence if t.text == trigger)
    return resolve_event_date(sentence, token, doc_date, finder)


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        (
            "Border guards detained four smugglers on Wednesday, officials said.",
            "detained",
            ("2022-01-26", "day"),
        ),
        ("The defense minister said Monday that the drills were over.", "said", ("2022-01-24", "day")),
        ("Farmers blocked the main highway on Thursday.", "blocked", ("2022-01-27", "day")),
        ("Farmers blocked the main highway yesterday.", "blocked", ("2022-01-26", "day")),
        ("Farmers blocked the main highway today.", "blocked", ("2022-01-27", "day")),
        ("Envoys from both countries met in Vienna this week.", "met", ("2022-01-24", "week")),
        ("Envoys from both countries met in Vienna last week.", "met", ("2022-01-17", "week")),
        ("The parliament approved the treaty last month.", "approved", ("2021-12-01", "month")),
        ("The parliament approved the treaty in 2019.", "approved", ("2019-01-01", "year")),
        ("The parliament approved the treaty in March.", "approved", ("2021-03-01", "month")),
        ("The parliament approved the treaty on January 5.", "approved", ("2022-01-05", "day")),
        ("The parliament approved the treaty on 5 January.", "approved", ("2022-01-05", "day")),
        ("The parliament approved the treaty on Dec. 30.", "approved", ("2021-12-30", "day")),
        ("The parliament approved the treaty on Jan. 5, 2020.", "approved", ("2020-01-05", "day")),
        ("The parliament approved the treaty three days ago.", "approved", ("2022-01-24", "day")),
        ("The two leaders will meet on Saturday in Ankara.", "meet", ("2022-01-29", "day")),
        ("The two leaders will meet tomorrow in Ankara.", "meet", ("2022-01-28", "day")),
    ],
)
def test_time_expressions(nlp, finder, text, trigger, expected):
    assert _resolve(nlp, finder, text, trigger) == expected


def test_expression_attached_to_trigger_wins(nlp, finder):
    text = "The governor said Monday that rebels had shelled the village on Saturday."
    assert _resolve(nlp, finder, text, "shelled") == ("2022-01-22", "day")
    assert _resolve(nlp, finder, text, "said") == ("2022-01-24", "day")


def test_bounds_of_a_period_are_not_the_event_date(nlp, finder):
    assert _resolve(nlp, finder, "Rebels have held the town since 2014.", "held") == ("2022-01-27", "document")


def test_no_expression_falls_back_to_document_date(nlp, finder):
    assert _resolve(nlp, finder, "Farmers blocked the main highway.", "blocked") == ("2022-01-27", "document")


def test_no_document_date(nlp, finder):
    assert _resolve(nlp, finder, "Farmers blocked the main highway.", "blocked", None) == (None, "unknown")
    assert _resolve(nlp, finder, "Farmers blocked the highway on Wednesday.", "blocked", None) == (None, "unknown")
    assert _resolve(nlp, finder, "Farmers blocked the highway on March 3, 2021.", "blocked", None) == (
        "2021-03-03",
        "day",
    )


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("last Thursday", False, (dt.date(2022, 1, 20), "day")),
        ("next Thursday", False, (dt.date(2022, 2, 3), "day")),
        ("Friday", True, (dt.date(2022, 1, 28), "day")),
        ("Friday", False, (dt.date(2022, 1, 21), "day")),
        ("January 30", False, (dt.date(2022, 1, 30), "day")),  # a few days ahead: same year
        ("March 3", False, (dt.date(2021, 3, 3), "day")),
        ("March 3", True, (dt.date(2022, 3, 3), "day")),
        ("the 5th of January", False, (dt.date(2022, 1, 5), "day")),
        ("2021-11-02", False, (dt.date(2021, 11, 2), "day")),
        ("March 2019", False, (dt.date(2019, 3, 1), "month")),
        ("next week", False, (dt.date(2022, 1, 31), "week")),
        ("two weeks ago", False, (dt.date(2022, 1, 10), "week")),
        ("last year", False, (dt.date(2021, 1, 1), "year")),
        ("last night", False, (dt.date(2022, 1, 26), "day")),
        ("this morning", False, (dt.date(2022, 1, 27), "day")),
        ("over the weekend", False, (dt.date(2022, 1, 22), "weekend")),
        ("last weekend", False, (dt.date(2022, 1, 22), "weekend")),
        ("this weekend", True, (dt.date(2022, 1, 29), "weekend")),
        ("this year", False, (dt.date(2022, 1, 27), "document")),  # not 1 January: the text says no more
        ("earlier this month", False, (dt.date(2022, 1, 1), "month")),  # that month, whichever day
        ("late Wednesday night", False, (dt.date(2022, 1, 26), "day")),
        ("earlier this week", False, (dt.date(2022, 1, 24), "week")),
        ("Sept. 11", False, (dt.date(2021, 9, 11), "day")),
        ("the 1990s", False, None),
        ("72 hours", False, None),
    ],
)
def test_resolve_expression(knowledge, text, future, expected):
    assert resolve_expression(text, DOC_DATE, knowledge.dates, future) == expected


def test_a_date_in_a_relative_clause_dates_that_clause_not_the_event(nlp, finder):
    doc = nlp("The reporter, who had been arrested 15 months ago, was freed on Tuesday.")
    freed = next(t for t in doc if t.text == "freed")
    assert resolve_event_date(doc[:], freed, dt.date(2008, 8, 7), finder) == ("2008-08-05", "day")
    doc = nlp("The reporter, who had been arrested 15 months ago, was freed.")
    freed = next(t for t in doc if t.text == "freed")
    assert resolve_event_date(doc[:], freed, dt.date(2008, 8, 7), finder) == ("2008-08-07", "document")
