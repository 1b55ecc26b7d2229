"""The time pass on our own sentences: history, habits and standing situations are not news of the
article's days; real news in the past tense and present-tense headlines stay real; dates follow tense."""

import pytest

from eventwatch.records import ASSERTED, FUTURE, GENERIC, HISTORICAL, HYPOTHETICAL

DAY = "2019-03-20"  # a Wednesday

# A body told in the past tense, as news articles are: the simple present in it is a standing situation.
NEWS = (
    "Government troops shelled the rebel-held town of Qasr on Tuesday, killing nine civilians, medics said.\n\n"
    "The assault began after weeks of talks collapsed. Rebel commanders said they repelled two raids. "
    "Officials in the capital condemned the rebels. Aid workers fled the town on Monday. "
    "A convoy of the Red Crescent reached the outskirts late on Tuesday but turned back after the shelling. "
    "Residents said the army had cut the water supply to the eastern districts.\n\n"
)


def events(coder, text, date=DAY):
    return coder.code(text, date=date)


def event_on(coder, text, trigger, date=DAY):
    found = [e for e in events(coder, text, date) if e.trigger.text == trigger]
    assert found, f"no event on {trigger!r} in {text!r}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "trigger", "value"),
    [
        # background with a year or a distance
        ("Ethiopian soldiers attacked the students in 2009.", "attacked", HISTORICAL),
        ("His brother was kidnapped by Somali pirates five years ago.", "kidnapped", HISTORICAL),
        ("The militia, which abducted two Italian engineers in 2012, attacked a base on Sunday.", "abducted",
         HISTORICAL),
        # history carried to the present, durations of a standing situation
        ("Israeli and Syrian forces have exchanged fire since 2013.", "exchanged", HISTORICAL),
        ("The Tuareg, who have been fighting the Malian army for decades, signed a deal on Monday.", "fighting",
         GENERIC),
        ("Houthi rebels have been shelling Saudi border towns for two years.", "shelling", GENERIC),
        # habits and episodes
        ("The general used to arrest journalists in Harare.", "arrest", GENERIC),
        ("On one occasion soldiers arrested 30 students in Khartoum.", "arrested", HISTORICAL),
        ("As a student she protested against the Chinese government.", "protested", HISTORICAL),
        # expectations and schedules: no one's announcement, so no intent either
        ("A Turkish offensive against the Kurdish militia is expected.", "offensive", HYPOTHETICAL),
        ("Chadian troops are set to withdraw from Mali on Friday.", "withdraw", FUTURE),
        ("Ugandan forces are poised to attack the rebel camp.", "attack", FUTURE),
    ],
)  # fmt: skip
def test_history_habits_and_standing_acts_are_not_news(coder, text, trigger, value):
    event = event_on(coder, text, trigger)
    assert event.modality == value, event.rule


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Police arrested 14 protesters in Algiers on Friday.", "arrested"),
        ("Peru's foreign minister resigned on Tuesday.", "resigned"),
        ("A court in Cairo jailed the activist for five years.", "jailed"),  # a sentence, not a standing act
        ("A court in Tunis has jailed a Libyan smuggler for three years.", "jailed"),
        ("Kenyan police have arrested three suspects since Monday.", "arrested"),  # a start inside the news
        ("US drones have killed six militant leaders in Yemen since last October.", "killed"),
        ("Jordanian jets have carried out several strikes on Isis in Syria since last year.", "strikes"),
        ("The militia, which abducted two Italian engineers in 2012, attacked a base on Sunday.", "attacked"),
        ("Armed men who stormed a church in Burkina Faso killed six worshippers.", "stormed"),
    ],
)
def test_news_in_the_past_tense_stays_real(coder, text, trigger):
    event = event_on(coder, text, trigger)
    assert event.modality == ASSERTED, event.rule


def test_present_tense_headline_and_summary_are_news(coder):
    headline = event_on(coder, "Zambian court jails opposition leader\n\nThe court ruled on Monday.", "jails")
    assert headline.modality == ASSERTED
    summary = "Pakistan closes its airspace to Indian flights. India condemns the closure and recalls its envoy."
    assert all(e.modality == ASSERTED for e in events(coder, summary))


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Companies that continue to trade with North Korea were fined by Japan.", "trade"),
        ("Nigeria sent troops to a region where bandits kidnap villagers.", "kidnap"),
    ],
)
def test_a_relative_clause_in_the_present_describes_a_party(coder, text, trigger):
    assert event_on(coder, NEWS + text, trigger).modality == GENERIC
    # in a text told in the present (a summary) the present is its news
    assert event_on(coder, text.replace("were fined", "are fined").replace("sent", "sends"), trigger).is_real


def test_simple_present_in_a_past_tense_body_is_a_standing_situation(coder):
    text = NEWS + "Qatar funds the rebel groups in the north. Sweden hosts thousands of refugees from the war."
    funds = event_on(coder, text, "funds")
    assert funds.modality == GENERIC and "simple present" in funds.rule
    shelled = event_on(coder, text, "shelled")
    assert shelled.modality == ASSERTED and shelled.date == "2019-03-19"
    # a verb news reports in the present stays news
    accuses = event_on(coder, NEWS + "The opposition accuses the government of war crimes.", "accuses")
    assert accuses.modality == ASSERTED
    # a speaker's own act in the present is done by saying it
    support = event_on(coder, NEWS + '"We support the people of Qasr," the Qatari envoy said.', "support")
    assert support.modality == ASSERTED


@pytest.mark.parametrize(
    ("text", "trigger", "date", "precision"),
    [
        ("UN inspectors will visit Tehran on Monday.", "visit", "2019-03-25", "day"),  # forward: the next Monday
        ("Egypt arrested the journalist on Saturday.", "arrested", "2019-03-16", "day"),  # backward
        ("Chad is set to withdraw its troops from Mali on Friday.", "withdraw", "2019-03-22", "day"),
        ("Chad will withdraw its troops from Mali on Friday.", "withdraw", "2019-03-22", "day"),
        ("Sudanese police detained 20 protesters last weekend.", "detained", "2019-03-16", "weekend"),
        ("Serbia expelled two Croatian diplomats this year.", "expelled", DAY, "document"),
        ("Ethiopian soldiers attacked the students in 2009.", "attacked", "2009-01-01", "year"),
        # the verb the expression modifies decides the direction, not the verb of the act
        ("Washington said it will impose sanctions on Venezuelan oil in May.", "sanctions", "2019-05-01", "month"),
        ("Spain told Morocco on Tuesday that there will be no easing of sanctions.", "easing", "2019-03-19", "day"),
    ],
)
def test_the_date_follows_the_tense(coder, text, trigger, date, precision):
    event = event_on(coder, text, trigger)
    assert (event.date, event.date_precision) == (date, precision)


def test_the_trail_says_which_phrase_set_the_time(coder):
    event = event_on(coder, "Ethiopian soldiers attacked the students in 2009.", "attacked")
    time_steps = [s for s in event.trail if s.pass_name == "time"]
    assert any("'2009'" in s.detail for s in time_steps if s.rule == "date")
    assert any(s.rule == "modality historical" for s in time_steps)


@pytest.mark.parametrize(
    ("text", "trigger", "date", "precision"),
    [
        # day and month as British and American papers write them, with and without a year
        ("Bolivian police detained 30 miners on 16 March.", "detained", "2019-03-16", "day"),
        ("Bolivian police detained 30 miners on March 16.", "detained", "2019-03-16", "day"),
        ("Gunmen abducted a Nigerian senator on 5 Jan.", "abducted", "2019-01-05", "day"),
        ("Gunmen abducted a Nigerian senator on 28 February 2018.", "abducted", "2018-02-28", "day"),
        ("Gunmen abducted a Nigerian senator on the 9th, the police said.", "abducted", "2019-03-09", "day"),
        ("Gunmen abducted a Nigerian senator on the 28th, the police said.", "abducted", "2019-02-28", "day"),
        # weeks and months
        ("Kenyan police arrested the opposition leader last week.", "arrested", "2019-03-11", "week"),
        ("Ugandan troops attacked a rebel camp last month.", "attacked", "2019-02-01", "month"),
        # a date on a relative clause dates that clause, not the sentence's act
        ("Police officers, who were deployed to Lusaka on Saturday, arrested 40 protesters.", "arrested", DAY,
         "document"),
        ("A report released by the ministry in January said Sudanese troops attacked the camp.", "attacked", DAY,
         "document"),
        # a date on a noun dates that noun's event, not the verb above it
        ("The African Union condemned the March 16 attack on the mosque.", "condemned", DAY, "document"),
        ("Police in Quito arrested the organisers of Saturday's march.", "arrested", DAY, "document"),
        ("Police in Quito arrested the organisers on Saturday evening.", "arrested", "2019-03-16", "day"),
    ],
)  # fmt: skip
def test_the_date_the_text_gives(coder, text, trigger, date, precision):
    event = event_on(coder, text, trigger)
    assert (event.date, event.date_precision) == (date, precision)


# A body long enough that the sentences after it lie past the lead (which may sum up news in the past perfect).
LONG_NEWS = "Residents of the northern province have fled in their thousands as fighting spread on the road. " + NEWS


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        # a speaker's memory: a first-person past act with its episode ("when", "as")
        ('"I was wounded when soldiers bombed our street," said Karim, a baker.', "bombed"),
        ('"We were beaten as the police emptied our bus," one of the students said.', "beaten"),
        # an earlier event in the past perfect, told inside reported speech
        ("Fatima Yusuf, 41, said she had been beaten by guards when she was detained in Kassala.", "beaten"),
        # a relative clause in the perfect describes a party by its record
        ("The Kurdish militia, which has kidnapped hundreds of villagers, denied the charge.", "kidnapped"),
        # a whole era on the clause
        ("Settlers seized farmland throughout the occupation, the villagers said.", "seized"),
    ],
)
def test_memories_records_and_earlier_episodes_are_background(coder, text, trigger):
    assert event_on(coder, LONG_NEWS + text, trigger).modality in (HISTORICAL, GENERIC)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ('"We were attacked when we reached the checkpoint on Monday," the driver said.', "attacked"),
        ("Police said they fired tear gas when protesters threw stones.", "fired"),
        ("Troops bombarded the town throughout the night, residents said.", "bombarded"),
        ("Police, who have detained 40 activists this week, raided the office.", "detained"),  # a dated record
        ("Border guards, who have shot dead 30 smugglers this year, arrested a boy.", "shot"),
        ("Rwanda must withdraw the 3,000 troops it has deployed near the Congolese border.", "deployed"),
        ("Rebels said on Sunday they had seized Qasr as the army pulled out.", "seized"),
    ],
)
def test_dated_or_third_person_episodes_stay_news(coder, text, trigger):
    assert event_on(coder, LONG_NEWS + text, trigger).is_real


def test_the_lead_may_sum_up_news_in_the_past_perfect(coder):
    text = "Police in Harare had arrested 20 students when the march reached parliament, officials said."
    assert event_on(coder, text, "arrested").is_real
