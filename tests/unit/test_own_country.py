"""Issue 7: a party's own phrase says its country, and beats the article's focus and the event's place.

"Police in Melbourne" in an article about Syria are Australian police; "the parents, who live in Leeds"
are British. Cities and regions resolve through the gazetteer, not only countries. (Our own sentences.)
"""

from eventwatch.coding.places import own_place

# An article whose focus (dateline) is Syria; each test adds one sentence about parties from elsewhere.
SYRIA = "DAMASCUS - Syrian government forces shelled rebel positions near Idlib on Monday. "


def event_by_trigger(coder, text, trigger):
    return next(e for e in coder.code(text, date="2019-10-10") if e.trigger.text == trigger)


def test_a_city_in_the_party_phrase_gives_its_country(coder):
    arrested = event_by_trigger(coder, SYRIA + "Police in Sydney arrested a teenager on Friday.", "arrested")
    assert arrested.source.code == "AUSCOP"


def test_a_city_before_the_sector_noun_gives_its_country(coder):
    raided = event_by_trigger(coder, SYRIA + "Manchester police raided a house on Friday.", "raided")
    assert raided.source.code == "GBRCOP"


def test_a_relative_clause_gives_the_party_its_home(coder):
    text = SYRIA + "The grandparents, who live in Glasgow, urged ministers to bring the children home."
    urged = event_by_trigger(coder, text, "urged")
    assert urged.source.country == "GBR"


def test_a_city_elsewhere_in_the_sentence_keeps_the_focus_country_off(coder):
    # the police are not the focus country's: the sentence puts the act in Canada
    text = SYRIA + "The police arrested a woman in Toronto on Thursday."
    arrested = event_by_trigger(coder, text, "arrested")
    assert arrested.source.country != "SYR"


def test_a_party_that_names_no_place_still_takes_the_focus_country(coder):
    arrested = event_by_trigger(coder, SYRIA + "The police arrested a journalist on Thursday.", "arrested")
    assert arrested.source.code == "SYRCOP"


def test_own_place_reads_the_phrase_not_the_sentence(coder):
    gazetteer, labels = coder.knowledge.gazetteer, coder.knowledge.places.place_labels
    doc = coder.nlp("Protesters from Berlin marched on the embassy.")
    assert own_place(doc[0], gazetteer, labels).country == "DEU"
    doc = coder.nlp("Protesters marched on the embassy.")
    assert own_place(doc[0], gazetteer, labels) is None
