"""The Coder on our own sentences: codes, actors, modality, dates and evidence offsets."""

import pytest

ARTICLE = (
    "Germany and France told Iran on Tuesday there will be no easing of sanctions. "
    "Tehran has moved 2,000 troops to the border, the ministry said. "
    "Any Iranian attack on its neighbours would be met with severe consequences, he said."
)


def events_of(coder, text, date="2023-03-09", real_only=True):
    events = coder.code(text, date=date)
    return [e for e in events if e.is_real] if real_only else events


def test_every_event_carries_its_evidence(coder):
    events = coder.code(ARTICLE, date="2023-03-09", doc_id="a1")
    assert events
    for e in events:
        assert ARTICLE[e.trigger.start : e.trigger.end] == e.trigger.text
        assert ARTICLE[e.source.start : e.source.end] == e.source.text
        assert e.sentence in ARTICLE and e.rule and 0 < e.confidence <= 1
        assert e.doc_id == "a1"


def test_refusal_becomes_reject_with_compound_sources_and_weekday_date(coder):
    rejects = [e for e in events_of(coder, ARTICLE) if e.plover == "REJECT"]
    assert {e.source.country for e in rejects} >= {"DEU", "FRA"}
    assert all(e.cameo.startswith("12") for e in rejects)
    assert {e.date for e in rejects} == {"2023-03-07"}


def test_hypothetical_attack_is_not_reported_but_kept_when_asked(coder):
    real = events_of(coder, ARTICLE)
    assert not [e for e in real if e.plover == "ASSAULT"]
    unreal = [e for e in coder.code(ARTICLE, date="2023-03-09") if e.plover == "ASSAULT"]
    assert unreal and all(e.modality == "hypothetical" for e in unreal)


@pytest.mark.parametrize(
    ("sentence", "plover", "source", "target"),
    [
        ("Israeli warplanes struck targets in Gaza on Sunday.", "ASSAULT", "ISR", None),
        ("The European Union imposed new sanctions on Belarus.", "COERCE", "IGO", "BLR"),
        ("China's foreign minister met his Indian counterpart in Beijing.", "CONSULT", "CHN", None),
        ("Police arrested dozens of protesters in Caracas.", "COERCE", None, None),
        ("Japan pledged $500 million in aid to the Philippines.", "AGREE", "JPN", "PHL"),
        ("Pakistan accused India of violating the ceasefire.", "ACCUSE", "PAK", "IND"),
        ("Thousands of demonstrators marched in Paris against the pension reform.", "PROTEST", None, None),
    ],
)
def test_sentences(coder, sentence, plover, source, target):
    events = [e for e in events_of(coder, sentence) if e.plover == plover]
    assert events, f"no {plover} event in {sentence!r}: {[(e.cameo, e.rule) for e in coder.code(sentence)]}"
    if source:
        assert any((e.source.country or (e.source.code or "")[:3]) == source for e in events)
    if target:
        assert any(e.target and e.target.country == target for e in events)


@pytest.mark.parametrize(
    ("sentence", "plover", "cameo_prefix"),
    [
        # An announced cooperative act is an intent (AGREE), not the act itself.
        ("Japan said it would provide humanitarian aid to Turkey.", "AGREE", "03"),
        # An announced act tied to a condition is a threat.
        ("Nigeria said it will withdraw its troops from Chad unless the government holds elections.", "THREATEN", "13"),
        # A refused concession is a rejection.
        ("The government refused to release the detained journalists.", "REJECT", "12"),
    ],
)
def test_announced_conditional_and_refused_acts(coder, sentence, plover, cameo_prefix):
    events = [e for e in events_of(coder, sentence) if e.plover == plover]
    assert events and events[0].cameo.startswith(cameo_prefix), [(e.cameo, e.rule) for e in coder.code(sentence)]


def test_pronoun_source_is_shown_as_the_actor_it_stands_for(coder):
    text = "The rebels said they will free the hostages."
    events = [e for e in events_of(coder, text) if e.plover == "AGREE"]
    assert events and events[0].source.text == "The rebels"[4:] or events[0].source.text == "The rebels"
    assert text[events[0].source.start : events[0].source.end] == events[0].source.text


def test_reported_obligation_is_a_request_by_the_speaker(coder):
    events = [e for e in events_of(coder, "The EU said Iran should release the detained activists.") if e.is_real]
    assert [(e.plover, e.source.code, e.target.country) for e in events] == [("REQUEST", "IGOEUREEC", "IRN")]


def test_agentless_passive_in_a_relative_clause_is_not_the_speakers(coder):
    events = events_of(coder, "Russia said Sudan must return a helicopter that was captured last week.")
    assert not [e for e in events if e.trigger.text == "captured" and e.source.country == "RUS"]


def test_agentless_passive_keeps_the_known_victim_with_an_unknown_source(coder):
    text = "Ten Russian soldiers were killed near Kharkiv on Monday."
    events = [e for e in events_of(coder, text) if e.plover == "ASSAULT"]
    assert events and events[0].source.entry == "unknown" and events[0].target.code == "RUSMIL"


def test_parties_named_by_kind_belong_to_the_other_partys_country(coder):
    events = events_of(coder, "The Mozambique government accepted demands from the rebels.")
    targets = {e.target.code for e in events if e.target}
    assert "MOZREB" in targets, [(e.cameo, e.target) for e in events]


def test_receiving_from_reverses_giver_and_receiver(coder):
    text = "Syrian rebels received weapons from the Turkish government."
    events = [e for e in events_of(coder, text) if e.plover == "AID"]
    assert [(e.source.code, e.target.code) for e in events] == [("TURGOV", "SYRREB")]


def test_document_authors_do_what_the_document_does(coder):
    events = events_of(coder, "Albania's parliament passed a resolution criticizing the Serbian government.")
    assert [(e.plover, e.source.code, e.target.code) for e in events] == [("ACCUSE", "ALBLEG", "SRBGOV")]


def test_claimed_violence_is_also_an_accusation_but_said_violence_is_not(coder):
    claimed = events_of(coder, "Kyiv claimed that Russian troops had shelled Kharkiv.")
    assert [(e.plover, e.source.country, e.target.code) for e in claimed if e.plover == "ACCUSE"] == [
        ("ACCUSE", "UKR", "RUSMIL")
    ]
    said = events_of(coder, "Kyiv said that Russian troops had shelled Kharkiv.")
    assert not [e for e in said if e.plover == "ACCUSE"]


def test_own_people_are_not_the_target_but_another_domestic_party_is(coder):
    assert [(e.source.code, e.target.code) for e in events_of(coder, "Syria offered its troops to Lebanon.")] == [
        ("SYR", "LBN")
    ]
    events = events_of(coder, "Congress is pressuring Obama to help Iran.", date="2015-06-01")
    assert [(e.source.code, e.target.code) for e in events if e.plover == "REQUEST"] == [("USALEG", "USAGOV")]
