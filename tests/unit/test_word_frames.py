"""Word senses told apart by their syntactic frame (issue 7): naming vs a phone call vs an appeal,
warnings of danger vs threats, corroboration vs support, hosting refugees vs hosting a visit, private
journeys vs visits. Our own sentences; the words live in the lexicon YAML (``frame``, ``prep`` and
``not_when`` keys, ``data/lexicon/README.md``)."""

import pytest

from eventwatch.coding.frames import frames_of
from eventwatch.coding.lexicon import Lexicon, LexiconError
from eventwatch.coding.parse import load_model
from eventwatch.coding.predicates import find_predicates


def codes(coder, text):
    return {e.trigger.text: e.cameo for e in coder.code(text, date="2021-05-04")}


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        # naming and describing is no telephone call
        ("The family settled in a village called Marwa near the border.", "called"),
        ("Residents fled what locals call the zone of death.", "call"),
        ("The minister called the reform a historic opportunity.", "called"),
        ("Back then the generals called the shots in Yangon.", "called"),
        ("The finance ministry begs to differ.", "begs"),
        # anonymity is no appeal
        ("A diplomat, who asked not to be identified, said the vote was delayed.", "asked"),
        # corroboration is no political support
        ("The satellite images supported the villagers' account of the shelling.", "supported"),
        ("Her testimony was supported by hospital records.", "supported"),
        # an opinion is no agreement
        ("Both economists agreed that the forecast was too gloomy.", "agreed"),
        # refugees and tournaments are no visit
        ("Lebanon hosts more than a million Syrian refugees.", "hosts"),
        ("Qatar hosted the football World Cup in 2022.", "hosted"),
        # migration and private journeys are no visit
        ("Her brother travelled to Raqqa to join the militants.", "travelled"),
        ("The family arrived in Athens after a month at sea.", "arrived"),
    ],
)
def test_no_event_in_these_frames(coder, text, trigger):
    assert trigger not in codes(coder, text)


@pytest.mark.parametrize(
    ("text", "trigger", "code"),
    [
        ("The opposition leader called for the army to return to its barracks.", "called", "020"),
        ("Scholz called Zelenskiy on Monday.", "called", "041"),
        # the date of an appeal does not make it a phone call: its addressee is the object of "on"
        ("Ankara called on Washington on Friday to stop arming the militia.", "called", "020"),
        ("The Kenyan president called on the rebels on Sunday not to block the aid convoys.", "called", "020"),
        ("Senator Lane called the deal a disgrace.", "called", "110"),
        # a warning is a threat only when the harm is the speaker's own
        ("The central bank warned that inflation would rise further.", "warned", "012"),
        ("Seoul warned that the North could test another missile.", "warned", "012"),
        ("Tehran warned it would retaliate against any attack on its tankers.", "warned", "138"),
        ("Aid agencies warned of a looming shortage of clean water.", "warned", "012"),
        ("The ministers agreed that talks would resume in June.", "agreed", "036"),
        ("Moscow backed the Syrian army with warplanes and military advisers.", "backed", "072"),
        ("The president hosted his Kenyan counterpart in Kampala.", "hosted", "043"),
        ("The foreign minister travelled to Beijing for talks.", "travelled", "042"),
    ],
)
def test_the_event_senses_stay(coder, text, trigger, code):
    assert codes(coder, text).get(trigger) == code


@pytest.mark.parametrize(
    ("text", "lemma", "frame"),
    [
        ("She grew up in a town called Ashford.", "call", "attributive"),
        ("He called the plan a betrayal.", "call", "naming"),
        ("They called for the UN to act.", "call", "for_clause"),
        ("They warned that prices would rise.", "warn", "that_clause"),
        ("Iran warned it would retaliate.", "warn", "own_clause"),
        ("They agreed that it was true.", "agree", "copular_clause"),
        ("Kurdish-backed units held the line.", "back", "attributive"),
        ("Macron phoned Modi on Tuesday.", "phone", "direct_object"),
    ],
)
def test_frames(text, lemma, frame):
    sentence = next(load_model()(text).sents)
    pred = next(p for p in find_predicates(sentence, frozenset()) if p.lemma == lemma)
    assert frame in frames_of(pred)


def test_unknown_frame_is_a_clear_error(tmp_path):
    from eventwatch.coding.ontology import Ontology

    entry = '- lemma: say\n  code: "010"\n  patterns:\n    - frame: [namin]\n      code: "010"\n'
    (tmp_path / "01_statement.yaml").write_text(entry)
    with pytest.raises(LexiconError, match="unknown frame"):
        Lexicon.load(tmp_path, Ontology.load())


def test_comments_are_no_declined_comment(coder):
    assert "comments" not in codes(coder, "The envoy's comments on social media angered Ankara.")
    assert codes(coder, "A spokesman for the embassy declined comment.").get("declined") == "011"


def test_a_call_to_the_author_is_no_political_event(coder):
    assert "called" not in codes(coder, "A stranger called me from Mosul and said my cousin was alive.")


def test_a_conditional_warning_is_a_threat(coder):
    text = "The president warned the ambassador that his government would expel him if he kept interfering."
    assert codes(coder, text).get("warned", "").startswith("13")


@pytest.mark.parametrize(
    ("text", "root"),
    [
        ("The militia vowed to hit back if the army entered the valley.", "13"),
        ("Pyongyang pledged to respond forcefully if its ships were searched.", "13"),
        ("The mayor pledged to respond to the audit within a week.", "03"),
        ("The general vowed to storm the rebel-held town before winter.", "13"),
        ("The warlord's promise of a fresh offensive alarmed the coastal towns.", "13"),
        ("The World Bank's pledge of new funding for Kenya's clinics was welcomed in Nairobi.", "03"),
    ],
)
def test_a_vow_of_force_is_a_threat(coder, text, root):
    found = {e.trigger.text: e.cameo for e in coder.code(text, date="2021-05-04")}
    vow = next(code for trigger, code in found.items() if trigger in ("vowed", "pledged", "promise", "pledge"))
    assert vow.startswith(root)
