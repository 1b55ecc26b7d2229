"""Reporting sources and direct quotes, on made-up sentences."""

from __future__ import annotations

import pytest

from eventwatch.coding.attribution import AttributionFinder, Quotes, find_quotes
from eventwatch.coding.state import Sentences


@pytest.fixture(scope="module")
def finder(knowledge) -> AttributionFinder:
    return AttributionFinder(knowledge.attribution)


def _first(nlp, text: str):
    doc = nlp(text)
    return doc, next(doc.sents)


def _quotes(doc) -> Quotes:
    return Quotes(doc.text, find_quotes(doc.text))


def find_attribution(finder, sentence, doc):
    return finder.find(sentence, _quotes(doc), Sentences(list(doc.sents)))


def find_quote(sentence):
    return _quotes(sentence.doc).quote_text(sentence)


def quote_speaker(finder, sentence):
    doc = sentence.doc
    return finder.quote_speaker(sentence, _quotes(doc), Sentences(list(doc.sents)))


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The army withdrew from the town, the AP reports.", "the AP"),
        ("Per the BBC, the army withdrew from the town on Monday.", "the BBC"),
        ("The army withdrew from the town, according to Reuters.", "Reuters"),
        ("Interfax said the army had withdrawn from the town.", "Interfax"),
        ("The army withdrew from the town, state media reported.", "state media"),
        (
            "Foreign Minister Ana Pereira told reporters that the border would stay closed.",
            "Foreign Minister Ana Pereira",
        ),
        ("The army withdrew, local officials said, citing the regional governor.", "local officials"),
        # the outlet reporting a speaker is the source of the sentence
        ("The minister said the border would stay closed, Xinhua reported.", "Xinhua"),
    ],
)
def test_source(nlp, finder, text, source):
    doc, sentence = _first(nlp, text)
    assert find_attribution(finder, sentence, doc)[0] == source


@pytest.mark.parametrize(
    "text",
    [
        "Rebel fighters shelled the airport on Tuesday.",
        "Oil prices rose 5 per cent on Tuesday.",
    ],
)
def test_no_source(nlp, finder, text):
    doc, sentence = _first(nlp, text)
    assert find_attribution(finder, sentence, doc) == (None, None)


def test_quote_and_speaker(nlp, finder):
    doc, sentence = _first(
        nlp, '"We will defend every inch of our territory," Defense Minister Ana Pereira said.'
    )
    assert find_attribution(finder, sentence, doc) == (
        "Defense Minister Ana Pereira",
        "We will defend every inch of our territory",
    )
    assert quote_speaker(finder, sentence) == "Defense Minister Ana Pereira"


def test_pronoun_speaker(nlp, finder):
    _, sentence = _first(nlp, '"No," he said.')
    assert quote_speaker(finder, sentence) == "he"
    assert find_quote(sentence) == "No"


def test_inverted_speaker_without_apposition(nlp, finder):
    _, sentence = _first(nlp, '"The talks are over," said Tomas Varga, the chief negotiator.')
    assert quote_speaker(finder, sentence) == "Tomas Varga"


def test_curly_quotes(nlp, finder):
    _, sentence = _first(nlp, "“This is a dangerous escalation,” the spokesman told reporters.")
    assert find_quote(sentence) == "This is a dangerous escalation"
    assert quote_speaker(finder, sentence) == "the spokesman"


def test_scare_quotes_are_not_quotes(nlp, finder):
    doc, sentence = _first(nlp, 'The ministry called the exercise a "provocation" on Monday.')
    assert find_attribution(finder, sentence, doc) == (None, None)
    assert quote_speaker(finder, sentence) is None


def test_quote_split_over_sentences(nlp, finder):
    doc = nlp('"We will not accept this. The sanctions are illegal," the envoy said.')
    sentences = list(doc.sents)
    assert find_attribution(finder, sentences[-1], doc) == (
        "the envoy",
        "We will not accept this. The sanctions are illegal",
    )


def test_verb_inside_quote_is_not_a_source(nlp, finder):
    doc, sentence = _first(nlp, '"Our people said no to war," the president wrote on Telegram.')
    assert find_attribution(finder, sentence, doc)[0] == "the president"
