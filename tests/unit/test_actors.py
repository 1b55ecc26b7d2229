import datetime as dt

import pytest

from eventwatch.coding.actors import ActorKB, DocumentActors


@pytest.fixture(scope="module")
def kb():
    return ActorKB.load()


@pytest.fixture(scope="module")
def matcher(kb, nlp):
    return kb.build_matcher(nlp)


def resolve(nlp, matcher, kb, text, word, day=None):
    doc = nlp(text)
    actors = DocumentActors(kb, matcher.mentions(doc), day)
    found = None
    for token in doc:  # resolve in reading order so later pronouns see earlier names
        if token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
            actor = actors.resolve(token)
            if token.text == word:
                found = actor
    return found


@pytest.mark.parametrize(
    ("text", "word", "code"),
    [
        ("The U.S. warned Iran.", "U.S.", "USA"),
        ("Russian troops shelled the town.", "troops", "RUSMIL"),
        ("Moscow rejected the offer.", "Moscow", "RUSGOV"),
        ("The Iranian foreign minister met reporters.", "minister", "IRNGOV"),
        ("NATO expanded eastward.", "NATO", "IGOWSTNAT"),
        ("Ukrainian police detained two men.", "police", "UKRCOP"),
    ],
)
def test_names_adjectives_capitals_and_sectors(nlp, matcher, kb, text, word, code):
    actor = resolve(nlp, matcher, kb, text, word)
    assert actor is not None and actor.code == code


def test_lower_case_us_is_not_the_united_states(nlp, matcher, kb):
    assert resolve(nlp, matcher, kb, "They told us nothing.", "us") is None


def test_leaders_resolve_by_date(nlp, matcher, kb):
    actor = resolve(nlp, matcher, kb, "Blinken met Wang Yi.", "Blinken", dt.date(2022, 1, 27))
    assert actor is not None and actor.code == "USAGOV"
    assert actor.entry.startswith("leader:")


def test_pronoun_resolves_to_the_person_named_before(nlp, matcher, kb):
    actor = resolve(nlp, matcher, kb, "Putin spoke for an hour. Then he left Minsk.", "he", dt.date(2022, 2, 1))
    assert actor is not None and actor.country == "RUS"
    assert actor.entry.startswith("coref:")


def test_offsets_point_at_the_text(nlp, matcher, kb):
    text = "Yesterday the Chinese army held drills."
    actor = resolve(nlp, matcher, kb, text, "army")
    assert text[actor.start : actor.end] == "the Chinese army"[4:] or text[actor.start : actor.end] == "Chinese army"
