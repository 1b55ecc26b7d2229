"""The closed-class words and parse labels the passes reason with, named once.

These are English grammar and spaCy's label sets (dependency labels, part-of-speech tags, entity
labels), not domain knowledge: verbs, actors, places and the like live in the data files. Grouped by
what they are about; a name says the job the set does where it is used.
"""

from __future__ import annotations

# --- parts of speech and tags -------------------------------------------------------------------
VERBAL_POS = frozenset({"VERB", "AUX"})
NOMINAL_POS = frozenset({"NOUN", "PROPN"})
NON_NAME_POS = frozenset({"PRON", "DET", "NUM", "ADJ"})  # cannot name an actor the knowledge base lacks
NAME_GAP_POS = frozenset({"DET", "PUNCT"})  # may lie inside a matched name without belonging to the phrase
# Tokens that never head an actor's phrase: the registry does not resolve them.
NEVER_ACTOR_POS = frozenset({"PUNCT", "SPACE", "ADP", "DET", "CCONJ", "SCONJ", "PART", "AUX", "VERB", "SYM", "INTJ"})
ADJECTIVE_OR_NOUN_TAGS = frozenset({"JJ", "NN"})  # "held firm": the small model parses 'firm' either way
NONFINITE_TAGS = frozenset({"VBG", "VB"})
WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})  # "why", "who", "which": a question about a given act
PLURAL_TAGS = frozenset({"NNS", "NNPS"})  # "leaders", "Democrats": no antecedent of "he" or "it"

# --- dependency labels --------------------------------------------------------------------------
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
NOMINAL_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
COORDINATION_DEPS = frozenset({"conj"})  # "Russia and China": each is a subject
ACTING_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "pobj"})  # where a party the KB lacks still acts
OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd"})
DIRECT_OBJECT_DEPS = frozenset({"dobj", "obj"})
OBJECT_OR_DATIVE_DEPS = frozenset({"dobj", "dative"})
PATIENT_DEPS = frozenset({"dobj", "nsubjpass"})  # a noun another event acts on
SUPPORTED_NOUN_DEPS = frozenset({"dobj", "attr", "obj"})  # "launched an attack": the noun of a support verb
PREP_OBJECT_DEPS = frozenset({"pobj", "pcomp"})
MARKER_OBJECT_DEPS = frozenset({"pobj", "dobj"})  # "according to Reuters", "citing officials"
PASSIVE_MARK_DEPS = frozenset({"nsubjpass", "auxpass"})
# A passive verb in one of these clauses suffers what it says of the noun or verb it hangs from:
# "X, who was arrested", "was detained and later released" (its own subject, if any, is the patient).
PASSIVE_INHERIT_DEPS = frozenset({"relcl", "conj", "acl", "advcl"})
AUX_DEPS = frozenset({"aux", "auxpass"})
PARTICLE_DEPS = frozenset({"prt", "advmod"})
COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp"})
SHARED_CLAUSE_DEPS = frozenset({"xcomp", "conj"})  # a verb that shares the auxiliaries of its head
SHARING_SUBJECT_DEPS = frozenset({"conj", "xcomp", "acomp"})  # a verb that shares the subject of its head
GOVERNED_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "conj"})  # "Farc said it will ...": up to the speech verb
EMBEDDED_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "pcomp"})  # not what the sentence reports
MODIFIER_CLAUSE_DEPS = frozenset({"relcl", "acl"})  # a clause that describes a noun: "images released by X"
REPORTED_DEPS = frozenset({"ROOT", "ccomp"})
CLAUSE_STOP_DEPS = frozenset({"relcl", "ROOT"})  # modality does not pass these
MODALITY_SPREAD_DEPS = frozenset({"xcomp", "ccomp", "conj", "advcl", "pcomp", "acl"})
NOUN_MODIFIER_DEPS = frozenset({"det", "amod", "neg", "advmod"})  # "no concessions", "any invasion"
DETERMINER_DEPS = frozenset({"det", "amod"})
NOUN_ACTOR_DEPS = frozenset({"poss", "nmod", "compound", "amod"})  # "Russia's invasion", "US sanctions"
MODIFIER_DEPS = frozenset({"poss", "compound", "amod"})
# A participle describing a noun: "US-backed forces", "a town called Ashford", "the so-called caliphate".
ATTRIBUTIVE_DEPS = frozenset({"amod", "acl", "compound"})
NAMED_OWNER_DEPS = frozenset({"poss", "compound", "nmod"})  # "the OGA's attempt", "Colombia´s actions"
INNER_NAME_DEPS = frozenset({"compound", "amod", "nmod", "nummod", "quantmod", "det", "case", "punct", "prt"})
COMPLEMENT_WORD_DEPS = frozenset({"dobj", "prt", "xcomp"})
# A headline verb the parser read as a plural noun ("A bomb explodes in Yangon"): where its subject
# and its object stand among the noun's children.
HEADLINE_SUBJECT_DEPS = frozenset({"compound", "nmod"})
HEADLINE_OBJECT_DEPS = frozenset({"dobj", "appos", "npadvmod", "attr"})
# Children whose subtrees are not part of an actor's name phrase.
NON_PHRASE_DEPS = frozenset(
    {"relcl", "acl", "advcl", "prep", "punct", "cc", "conj", "det", "nummod", "quantmod", "case"}
)
# Children that are not part of a phrase's lemmas for the lexicon's patterns.
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "ccomp", "conj", "cc", "punct"})
# Children that are not part of a source's name: "Antony Blinken, the secretary of state, who ...".
SOURCE_TRIM_DEPS = frozenset({"appos", "relcl", "acl", "punct", "advcl", "parataxis"})

# --- named-entity labels and IOB ------------------------------------------------------------------
NOT_ACTOR_ENTITIES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
TIME_ENTITIES = frozenset({"DATE", "TIME"})
NOUN_DATE_DEPS = frozenset({"poss", "compound", "nmod"})  # "Saturday's protest", "the May 5 vote"
PARTY_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
ENTITY_IOB_INSIDE = frozenset({"B", "I"})

# --- words --------------------------------------------------------------------------------------
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
GROUP_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})
SPEAKER_PRONOUNS = frozenset({"we", "our", "us", "i", "me", "my"})
SPEAKER_SUBJECT_PRONOUNS = frozenset({"he", "she", "they"})  # a pronoun subject that can be a speaker
RELATIVE_PRONOUNS = frozenset({"that", "which", "who", "whom", "whose"})
DEFINITE_DETERMINERS = frozenset({"the", "this", "that"})  # "the group", "this organisation"
ANAPHORIC = frozenset({"such", "the", "this", "that", "these", "those", "any"})  # "such incursion", "the attack"
CONTROL_PREPS = frozenset({"on", "upon", "to"})  # "called on X to", "appealed to X to"
SINGULAR_ARTICLES = frozenset({"a", "an"})  # "A bomb explodes": a singular article on a plural form
# "The army clashes with rebels": a preposition of a party after a headline verb read as a noun
HEADLINE_PARTY_PREPS = frozenset({"with", "against", "to", "at", "on", "into", "from", "over", "off"})
LOOSE_PARTICLES = frozenset({"down", "up", "out", "off", "back", "away", "over", "in"})
HOME_PREPS = frozenset({"in", "from"})  # "demonstrators in Baghdad", "rebels from Mali"
STATE_PREPS = frozenset({"on", "under", "in", "into"})  # "placed on alert", "put under siege"
REFUSAL_MODALS = frozenset({"can", "could", "would"})  # "will not / could not withdraw" refuses
# Where to look for the target when the lexicon entry does not say, in order.
TARGET_PREPS = (
    "against", "on", "with", "to", "at", "from", "into", "toward", "towards", "over", "near", "of", "for",
    "between", "among",
)  # fmt: skip
# A party in one of these phrases acts with the subject, never against it: "fought alongside US forces".
COMPANION_PREPS = frozenset({"alongside", "beside", "amongst"})
NESTED_TARGET_PREPS = frozenset({"against", "on", "into", "with", "to", "from", "by", "of", "for"})
DAY_SUFFIXES = frozenset({"of", "the", "st", "nd", "rd", "th"})  # "5th of January"
QUOTE_END_PUNCT = frozenset({",", ".", "?", "!"})
# A line that ends in one of these words is cut mid-sentence, so it is no headline.
RUN_ON_WORDS = frozenset(
    {"a", "an", "the", "of", "to", "in", "on", "at", "as", "and", "or", "but", "for", "with", "by", "from", "that",
     "which", "who", "its", "their", "his", "her"}
)  # fmt: skip

# --- gazetteer features -------------------------------------------------------------------------
AREA_FEATURES = frozenset({"country", "region"})
