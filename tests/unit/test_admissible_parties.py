"""Admissible parties (issue 7, class 2): a patron named before "-backed" is no country of the party,
time phrases are no targets. Our own sentences; the words live in ``data/actors/non_actors.yaml``."""


def sources(coder, text):
    return [e.source.code or "" for e in coder.code(text, date="2021-05-04")]


def target_texts(coder, text):
    return [e.target.text for e in coder.code(text, date="2021-05-04") if e.target is not None]


def test_a_patron_is_no_country_of_the_backed_party(coder):
    found = sources(coder, "Turkish-backed militias shelled the Kurdish villages near Manbij.")
    assert found and not any(code.startswith("TUR") for code in found)
    found = sources(coder, "Iranian-funded fighters attacked the convoy.")
    assert found and not any(code.startswith("IRN") for code in found)


def test_a_coalition_is_coded_by_its_leader(coder):
    assert any(code.startswith("SAU") for code in sources(coder, "Saudi-led coalition jets bombed a market."))


def test_a_time_phrase_is_no_target(coder):
    assert not any("moment" in t for t in target_texts(coder, "Russia could attack Ukraine at any moment."))
    assert not any("moment" in t for t in target_texts(coder, "The rebels might attack at any moment."))


def test_staff_of_an_international_body_are_that_body(coder):
    text = "Inspectors from the Organisation for the Prohibition of Chemical Weapons visited the site in Douma."
    assert "IGO" in sources(coder, text)
    assert sources(coder, "Experts from the International Atomic Energy Agency inspected the Natanz plant.")[
        0
    ].startswith("IGOUNOIAE")


def test_a_companion_is_no_target(coder):
    for event in coder.code("Dutch volunteers fought alongside Kurdish units near Raqqa.", date="2021-05-04"):
        assert event.target is None or "Kurdish" not in event.target.text


def test_acts_between_private_persons_are_no_events(coder):
    assert sources(coder, "My cousin said she had met her friend in the market.") == []
    assert sources(coder, "A woman complained to her landlord about the damp.") == []


def test_protest_and_violence_stay_events_whoever_the_parties_are(coder):
    assert sources(coder, "Protesters marched through the capital on Friday.")
    assert sources(coder, "Gunmen attacked the market.")


def test_a_day_or_date_is_no_party_even_as_a_possessor(coder):
    for text in (
        "Doctors treated dozens of victims of Friday's gas attack in Idlib province.",
        "Medics said Tuesday's shelling of the clinic in Aleppo was deliberate.",
    ):
        for event in coder.code(text, date="2021-05-04"):
            assert event.source is None or not any(
                word in event.source.text for word in ("Friday", "Tuesday")
            ), event.source
