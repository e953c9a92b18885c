"""Draft claims from an article: find the figures, guess who states them and what they count.

``factdb extract`` turns plain text into a draft in the import format for a person to review.
It is rule-based and runs offline: figure phrases are found with patterns and understood by
:func:`factdb.figures.parse_figure`; the metric comes from the words around the number; the
source from attribution cues ("according to X", "X said", "told X", "X's count", ...) matched
against the sources and aliases already in the database. Every guess carries a confidence and
the reason for it, and the YAML marks it with a ``# GUESS`` comment, because the draft is a
proposal: nothing here decides what a text claims until a reviewer has read it.
"""

from __future__ import annotations

import functools

import re
import stat
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from factdb.figures import QUALIFIER_PHRASES, VAGUE_WORDS, Figure, FigureError, NotACount, parse_figure

if TYPE_CHECKING:
    from factdb.database import Database

# --------------------------------------------------------------------------------------------
# What the database already knows
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownSource:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownEvent:
    id: str
    name: str
    start: str | None = None


@dataclass(frozen=True)
class KnownClaim:
    """A stored claim, enough to tell whether a proposal repeats it."""

    source: str
    quote: str
    figures: frozenset[tuple[str, float | None, float | None]]  # (metric, low, high)


@dataclass(frozen=True)
class KnownDocument:
    id: str
    title: str
    published: str | None
    text: str
    claims: tuple[KnownClaim, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """Sources, metrics, events and documents a draft may refer to without defining them."""

    sources: tuple[KnownSource, ...] = ()
    metrics: frozenset[str] = frozenset()
    events: tuple[KnownEvent, ...] = ()
    documents: tuple[KnownDocument, ...] = ()
    # Looks a stored document up by its exact text, for catalogs of a database (see load_catalog),
    # which keep no texts in memory.
    find_document: Callable[[str], KnownDocument | None] | None = None

    def document_with_text(self, text: str) -> KnownDocument | None:
        """The stored document whose text is this article's (compared without surrounding whitespace)."""
        if self.find_document is not None:
            return self.find_document(text) or (self.find_document(text.strip()) if text.strip() != text else None)
        return next((d for d in self.documents if d.text.strip() == text.strip()), None)

    def source_by_key(self) -> dict[str, KnownSource]:
        keys: dict[str, KnownSource] = {}
        for source in self.sources:
            for name in (source.id, source.name, *source.aliases):
                keys.setdefault(name_key(name), source)
        return keys


def load_catalog(db: Database) -> Catalog:
    """The sources (with aliases), metrics and events of an open factdb database, and a look-up of
    its documents by text: ``db`` must stay open while the catalog is used."""
    sources = tuple(KnownSource(source.id, source.name, source.kind, source.aliases) for source in db.sources())
    metrics = frozenset(metric.id for metric in db.metrics())
    events = tuple(KnownEvent(event.id, event.name, event.start) for event in db.events())
    return Catalog(sources, metrics, events, find_document=functools.partial(_stored_document, db))


def _stored_document(db: Database, text: str) -> KnownDocument | None:
    """The stored document whose archived text is exactly ``text``, with its claims; None if there is none."""
    document = next(db.documents(text=text), None)
    if document is None:
        return None
    claims = tuple(KnownClaim(claim.source, " ".join(claim.quote.split()), frozenset((f.metric, f.low, f.high) for f in claim.figures))
                   for claim in db.claims(document=document.id))
    return KnownDocument(document.id, document.title, document.published, document.text, claims)


# --------------------------------------------------------------------------------------------
# The draft
# --------------------------------------------------------------------------------------------


@dataclass
class ProposedSource:
    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    known: bool = False
    note: str = ""


@dataclass
class ProposedFigure:
    metric: str
    figure: Figure
    stated: str
    population: str | None
    confidence: float
    reason: str
    earlier: bool = False  # a figure the text says was revised ("raising its earlier toll of 208")


@dataclass
class ProposedClaim:
    source: str
    quote: str
    start: int
    figures: list[ProposedFigure]
    confidence: float
    reason: str
    via: str | None = None
    event: str | None = None
    event_reason: str = ""
    source_reason: str = ""
    id: str | None = None  # given only when another claim of the draft supersedes this one
    supersedes: str | None = None


@dataclass
class ProposedDocument:
    id: str
    title: str
    text_file: str
    author: str | None = None
    published: str | None = None
    notes: list[str] = field(default_factory=list)
    known: bool = False  # already in the database: the draft refers to it and does not define it


@dataclass
class Draft:
    """What ``factdb extract`` proposes: written out by :func:`draft_to_yaml` for review."""

    document: ProposedDocument
    claims: list[ProposedClaim]
    sources: list[ProposedSource]
    metrics: list[tuple[str, str, str]]
    events: list[tuple[str, str]]
    voice: str  # the source id unattributed statements go to: the byline's author, or a placeholder

    @property
    def new_sources(self) -> list[ProposedSource]:
        return [s for s in self.sources if not s.known]


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------

MONTHS = ("january february march april may june july august september october november december "
          "jan feb mar apr jun jul aug sep sept oct nov dec").split()
MONTH_NUMBER = {m: i + 1 for i, m in enumerate(MONTHS[:12])} | {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")

UNIT_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
              "sixteen seventeen eighteen nineteen").split()
TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_TENS_AND_UNIT = rf"(?:{'|'.join(TENS_WORDS)})(?:[- ](?:{'|'.join(UNIT_WORDS[:9])}))?"
# Compound words as the figure grammar reads them: "twenty-three", "two hundred and eleven" ("a hundred
# and fifty" is not joined by the grammar, so neither is it here).
_WORD_NUMBER = (rf"(?:(?:{'|'.join(UNIT_WORDS)}|a) dozen"
                rf"|(?:{'|'.join(UNIT_WORDS)}) hundred(?: and (?:{_TENS_AND_UNIT}|{'|'.join(UNIT_WORDS)}))?"
                rf"|half an? (?:hundred|thousand|million|billion|dozen)"
                rf"|a hundred|a thousand|{_TENS_AND_UNIT}|{'|'.join(UNIT_WORDS)})")
_DIGITS = r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]\d)|(?<![\d.,])\d+(?:\.\d+)?"
_SCALE = r"(?:\s(?:hundred|thousand|million|billion))?"
_NUMBER = rf"(?:(?:{_DIGITS}){_SCALE}|\b{_WORD_NUMBER}{_SCALE}\b)"
# Only the vague words the figure parser gives agreed bounds ("a few dozen" has none, so it is skipped).
# "Scores" and "tens" are amounts only before "of" ("scores of protesters"; not "exam scores").
_NOUN_UNLESS_OF = ("scores", "tens")
_VAGUE = r"\b(?:" + "|".join(
    re.escape(w) + (r"(?=\s+of\b)" if w in _NOUN_UNLESS_OF else "") for w in sorted(VAGUE_WORDS, key=len, reverse=True)
) + r")\b"
# The qualifier phrases are the figure grammar's own (a phrase it reads is a phrase found here); only the
# worded ones, since symbols ("~", ">") rarely stand before a number in running prose.
_QUALIFIER = r"\b(?:" + "|".join(
    r"\s+".join(re.escape(word) for word in phrase.split())
    for phrase, qualifier in sorted(QUALIFIER_PHRASES.items(), key=lambda item: -len(item[0]))
    if qualifier != "range" and phrase[0].isalpha()
) + r")"
FIGURE_PATTERN = re.compile(
    rf"(?i)(?:\bbetween\s(?P<between_low>{_NUMBER})\sand\s(?P<between_high>{_NUMBER})"
    rf"|\bfrom\s(?P<from_low>{_NUMBER})\sto\s(?P<from_high>{_NUMBER})"
    # (a spaced em dash sets off what follows, as after a table row's year: "2023 — 57 people sentenced")
    rf"|(?P<dash_low>{_DIGITS})(?:\s?[-–]\s?|—)(?P<dash_high>{_DIGITS})(?![\w-])"
    rf"|(?:(?P<qualifier>{_QUALIFIER})\s)?(?P<number>{_NUMBER})(?![\w%]|-(?:year|month|week|day|page|seat|strong|member)|\.\d)"
    # A qualifier before a vague word ("no more than a handful") is taken in, so that the grammar refuses
    # the phrase rather than the vague word being proposed without the words that bound it.
    rf"|(?:(?P<vague_qualifier>{_QUALIFIER})\s)?(?P<vague>{_VAGUE}))"
)

# Right after a number: it is not a count of people or places (ages, durations, sizes, money ...).
NOT_COUNTS = re.compile(
    r"(?i)^[-\s]?(?:%|percent\b|per\s?cent\b|percentage|years?[- ]old|years?\b|months?\b|weeks?\b|days?\b|days’|days'|"
    r"hours?\b|minutes?\b|seconds?\b|decades?\b|centuries\b|times\b|o'clock|a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|"
    r"metres?\b|meters?\b|km\b|kilomet|miles?\b|kg\b|kilogram|tonnes?\b|tons?\b|cubic\b|square\b|litres?\b|liters?\b|"
    r"degrees?\b|mm\b|cm\b|millimet|centimet|feet\b|foot\b|hectares?\b|acres?\b|dollars?\b|euros?\b|pounds\b|"
    r"rials?\b|tomans?\b|dinars?\b|dirhams?\b|kron[aeo]r?\b|pesos?\b|rupees?\b|lira\b|naira\b|yuan\b|yen\b|rubles?\b|"
    r"usd\b|us\$|points?\b|pages?\b|seats?\b|-seat|-page|-member|-strong|st\b|nd\b|rd\b|th\b|s\b|'s\b|’s\b|"
    # "displaced three or four times", "two to three weeks": the first of two bounds of a span or a frequency
    r"(?:or|to)\s+[\w-]+\s+(?:times|years?|months?|weeks?|days?|hours?|minutes?|decades?)\b)"
)
# Right before a number: a page, an article of law, an age, a hotline, a threshold ("needs 151 votes").
NOT_COUNT_BEFORE = re.compile(
    r"(?i)(?:\b(?:aged|age|ages|page|pages|p\.|pp\.|paragraph|paragraphs|para\.|article|articles|section|sections|"
    r"chapter|chapters|resolution|no\.|number|hotline|line|route|highway|room|cell|block|ward|session|item|"
    r"items|annex|footnote|vol\.|volume|figure|table|law|decree|flight|bus|platform|channel|"
    r"rule|clause|gate|terminal|building|street|st\.|tel\.|phone|code|version|needs|need|needed|requires|require|"
    r"camp|zone|sector|phase|precinct|"
    r"required|threshold of|quorum of|capacity of|room for|space for|magnitude|"
    r"(?:licensed|certified|permitted|allowed|authori[sz]ed|able|built|designed|equipped) to (?:carry|hold|seat|take|accommodate)|"
    r"(?:can|could|cannot) (?:only )?(?:carry|hold|seat|accommodate)|"
    # "9,500 of the country's 62,000 teachers" is a denominator; "a quarter of the 388 deaths" states the 388
    r"(?<!\bone )(?<!\bsome )(?<!\bfamilies )(?<!\brelatives )(?<!\bquarter )(?<!\bthird )(?<!\bthirds )(?<!\bhalf )"
    r"(?<!\bfifth )(?<!\bmost )(?<!\bmajority )of (?:the|its|their)(?: \w+[’']s)?|"
    r"interviewed|interviewing|surveyed|spoke to|spoke with|conducted|reviewed|examined|analysed|analyzed|"
    # an age: "some as young as 13", "as old as 90", "under the age of 15", "a man who was 17 at the time"
    r"as (?:young|old) as|the age of|(?:a (?:man|woman|boy|girl)|who|he|she) (?:was|is|turned)|"
    # "Filip turned 22 in prison"
    r"turn(?:ed|s|ing)|"
    # what a delivery is enough for: "supplies for 500 wounded people", "rations for 2,000 families" (a capacity)
    r"(?:supplies|kits|rations|meals|food|medicines?|drugs|beds|doses|vaccines|blankets|equipment|materials?|"
    r"enough(?:\s+\w+)?)\s+for|"
    # "died in March at 41"
    r"(?:died|dies|passed away)(?:\s+[\w-]+){0,3}\s+at)"
    r"|[#$€£¥]|us\$|\bnos?\.)\s*$"
)
# Right before a number: it is the second half of a share or a pair ("one in five", "300 / 400"), which
# the figure grammar refuses from the first number on ("six in ten are children" counts no ten).
SHARE_BEFORE = re.compile(r"(?i)(?:\d\s*/|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+in(?:\s+every)?)\s*$")
YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
BUILT_FOR = re.compile(r"(?i)\b(?:built|designed|intended|meant|made|licensed|certified|rated|approved|equipped)\b"
                       r"(?:,[^.;,]{0,60},)?[^.;]{0,30}\bfor\s*$|\bcapacity (?:of|for)\s*$")  # a capacity, not a count
# ("built, according to the register, in 1931 for six prisoners": an aside between them)
DATE_NEAR = re.compile(rf"(?i)(?:{_MONTH}\s*$)")
DATE_AFTER = re.compile(rf"(?i)^(?:\s*(?:st|nd|rd|th)?\s*(?:of\s)?{_MONTH}(?![a-z]))")
TIME_NEAR = re.compile(r"^[:.]\d\d")
AGE_LIMIT = re.compile(r"(?i)^(?:under|over|below|above)\s+(?:1[0-9]|2[01]|five|six|ten|twelve|fifteen|sixteen|eighteen)$")

# The noun a number counts: people (with the population they belong to) ...
PEOPLE_NOUNS: dict[str, str | None] = {
    "people": None, "persons": None, "person": None, "individuals": None, "civilians": None, "residents": None,
    "bystanders": None, "villagers": None, "citizens": None, "others": None, "men": None, "adults": None,
    "victims": None, "rioters": None, "terrorists": None, "detainees": "prisoners", "prisoners": "prisoners",
    "inmates": "prisoners", "political prisoners": "political prisoners", "protesters": "protesters",
    "protestors": "protesters", "demonstrators": "protesters", "marchers": "protesters", "activists": "activists",
    "children": "children", "child": "children", "minors": "children", "juveniles": "children", "boys": "children",
    "girls": "children", "juvenile offenders": "children", "kids": "children", "teenagers": "children",
    "women": "women", "journalists": "journalists", "reporters": "journalists", "lawyers": "lawyers",
    "students": "students", "teachers": "teachers", "workers": "workers", "doctors": "doctors", "nurses": "nurses",
    "police officers": "police", "policemen": "police", "officers": "police", "police": "police",
    "soldiers": "soldiers", "troops": "soldiers", "members of the security forces": "security forces",
    "security personnel": "security forces", "security forces": "security forces", "strikers": None,
    "hunger strikers": None, "migrants": "migrants", "fighters": "fighters", "militants": "fighters", "rebels": "fighters", "defendants": None, "insurgents": "fighters",
    "asylum seekers": None, "asylum-seekers": None, "worshippers": None, "pilgrims": None, "passengers": None, "miners": "workers", "farmers": None,
    "members": None, "relatives": None, "survivors": None, "cases": None, "guards": "prison guards",
    "prison guards": "prison guards", "staff": None, "employees": "workers", "aid workers": "aid workers",
    "humanitarian workers": "aid workers", "health workers": "health workers", "medics": "health workers",
    "paramedics": "health workers", "firefighters": None, "supporters": None, "party members": None,
    "opposition members": None, "peacekeepers": "peacekeepers", "combatants": "fighters",
    "suspects": None, "hostages": None, "foreign nationals": "foreign nationals", "assailants": "fighters",
    "attackers": "fighters", "gunmen": "fighters", "crew members": "crew", "crew member": "crew", "crew": "crew",
    "patients": None, "inpatients": None, "tourists": None, "hikers": None, "climbers": None, "sailors": None, "pupils": "children",
    "babies": "children", "infants": "children", "drivers": None, "pickets": "protesters", "servicemen": "soldiers", "servicewomen": "soldiers",
    "service members": "soldiers",
    "guests": None, "mourners": None, "shoppers": None, "spectators": None, "fans": None, "voters": None,
    "voter": None, "resident": None, "fishermen": None, "fisherman": None, "fishers": None, "sailor": None,
    "schoolchildren": "children", "schoolboys": "children", "schoolgirls": "children", "miner": "workers",
    "dockers": "workers", "labourers": "workers", "ringleaders": None, "organisers": None, "organizers": None,
    "critics": None, "government critics": None, "dissidents": None, "opponents": None, "bloggers": "journalists",
    # a list of people ("a plaque with 31 names", "wrote down 512 names"): what it lists is what the text counts
    "names": None,
    # one person ("one man in his 70s had died", "including one police officer"): the singulars of the above
    "man": None, "woman": "women", "boy": "children", "girl": "children", "baby": "children",
    "infant": "children", "police officer": "police", "policeman": "police", "officer": "police",
    "soldier": "soldiers", "journalist": "journalists", "reporter": "journalists", "civilian": None,
    "protester": "protesters", "demonstrator": "protesters", "prisoner": "prisoners", "inmate": "prisoners",
    "detainee": "prisoners", "worker": "workers", "firefighter": None, "passenger": None, "student": "students",
    "teacher": "teachers", "doctor": "doctors", "nurse": "nurses", "health worker": "health workers",
    "aid worker": "aid workers", "migrant": "migrants", "villager": None, "pupil": "children", "guard": "prison guards",
    "neighbours": None, "neighbors": None,
}
# People named by what they do or what was done to them, when only the noun says what is counted.
PEOPLE_NOUN_METRICS = {
    "protesters": "protesters", "protestors": "protesters", "demonstrators": "protesters", "marchers": "protesters",
    "strikers": "strikers", "hunger strikers": "hunger_strikers", "detainees": "detained", "hostages": "captured",
    "refugees": "refugees", "political prisoners": "detained", "asylum seekers": "refugees", "asylum-seekers": "refugees",
}
# ... units that hold people but are not people: no metric here counts them.
NOT_PEOPLE_NOUNS = frozenset({"families", "households", "family members' households", "villages", "communities"})
# ... a noun that names the metric itself ("46 deaths", "12 cities", "79 votes") ...
METRIC_NOUNS = {
    "deaths": "killed", "dead": "killed", "bodies": "killed", "body": "killed", "fatalities": "killed", "killings": "killed",
    "lives": "killed", "injuries": "injured", "injured": "injured", "wounded": "injured",
    "arrests": "arrested", "detentions": "detained", "executions": "executed", "hangings": "executed",
    "death sentences": "sentenced_to_death", "cities": "cities", "towns": "cities", "cities and towns": "cities",
    "localities": "cities", "votes": "votes_in_favour", "yes votes": "votes_in_favour", "abstentions": "abstentions",
    "missing": "missing", "disappearances": "missing", "displaced": "displaced", "refugees": "refugees",
    "casualties": "casualties", "suicides": "suicides", "assaults": "assaults", "expulsions": "expelled",
    "deportations": "expelled",
    # counts of events a monitor verifies, not of people: "58 attacks on schools", "received three complaints"
    "attacks": "attacks", "complaints": "complaints",
}
# Metric nouns that are also adjectives ("2,500 displaced families had returned"): a verb after them wins.
ADJECTIVE_METRIC_NOUNS = frozenset({"dead", "injured", "wounded", "missing", "displaced", "refugees"})
# ... or a thing that only some metrics can count.
VOTE_METRICS = frozenset({"votes_in_favour", "votes_against", "abstentions"})
THING_NOUNS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("countries", "states", "member states", "nations", "delegations", "governments"),
                    VOTE_METRICS),
    **dict.fromkeys(("banks", "buildings", "homes", "houses", "shops", "health facilities", "facilities",
                     "health centres", "health centers", "stores", "vehicles", "cars", "petrol stations",
                     "gas stations", "police stations", "schools", "hospitals", "mosques", "churches", "offices",
                     "government buildings", "businesses", "bridges", "clinics", "shelters", "dwellings", "huts",
                     "structures", "apartments", "flats", "homesteads", "buses", "trucks", "lorries", "ambulances",
                     "stalls", "kiosks", "warehouses", "factories", "classrooms"),
                    frozenset({"damaged"})),
}
# Sent where the hurt and the sick are treated: "rushed to the district hospital", "referred to a hospital in Orr".
_SENT = r"(?:taken|took|take|takes|taking|sent|rushed|referred|transferred|evacuated|brought|moved|airlifted|flown)"
# A step added between a verb and the people it counts ("pulled another 140 people from the water", "has admitted a
# further 19"): the verb before still says what they are.
_MORE = r"(?:\s+(?:another|a\s+further|an\s+additional|yet\s+another))?"
_TO_A_HOSPITAL = r"(?:by\s+(?:air|helicopter|ambulance|road|boat|bus)\s+)?(?:on\s+)?to\s+(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+){0,2}?hospitals?\b"
_TO_HOSPITAL = rf"{_SENT}\s+{_TO_A_HOSPITAL}"
# The same, with the people sent between the verb and where to: "I have sent 58 workers to the regional hospital".
_SENT_BEFORE = re.compile(rf"(?i)\b{_SENT}{_MORE}\s+$")
_TO_A_HOSPITAL_AFTER = re.compile(rf"(?i)^\s*(?:[\w-]+\s+){{0,2}}?{_TO_A_HOSPITAL}")
# Where people driven from home are put up, as the words after "moved into", "housed in", "sleeping in" name it.
_SHELTERS = (r"(?:tents|shelters?|camps?|(?:evacuation|collective|reception|transit)\s+cent(?:re|er)s?|"
             r"accommodation\s+(?:points?|cent(?:re|er)s?|sites?)|temporary\s+(?:accommodation|housing)|"
             r"schools?|classrooms|halls|gyms|gymnasiums?|churches|mosques|stadiums?|public buildings|host families|"
             r"relatives)")
_TAKE_PART = r"(?:took|taken|take|taking) part"
# Verbs and phrases near a number that name what it counts, most specific first.
METRIC_WORDS: tuple[tuple[str, str], ...] = (
    (r"sentenced (?:[\w,]+ ){0,4}?to death|death sentences?|on death row|"
     r"(?:at|under)\s+(?:imminent\s+)?risk of (?:imminent\s+)?execution|fac(?:e|es|ing) (?:imminent\s+)?execution",
     "sentenced_to_death"),
    (r"killed or (?:injured|wounded)|(?:dead|deaths) (?:or|and) (?:injured|injuries)|casualties", "casualties"),
    (r"dead or missing|died or (?:gone|went) missing|killed or missing|missing or dead|"
     r"(?:dead|killed) or (?:still\s+)?unaccounted for|unaccounted for or (?:dead|killed)", "dead_or_missing"),
    (r"death tolls?|tolls?|killed|killing|kill|killings|dead|deaths?|died|die|(?:lost|gave|given|give|giving|laid down) (?:their|his|her) li(?:ves|fe)|shot dead|slain|"
     r"murdered|bodies|remains of|fatalities|perished|drowned|suffocated|crushed to death|burned to death|"
     # the manner of a killing told in one word or phrase, as agency copy does: "gunned down", "fatally shot"
     r"gunned down|mown down|mowed down|massacred|lynched|beheaded|electrocuted|(?:burned|burnt) alive|"
     r"(?:hacked|bludgeoned|clubbed|shot|trampled|stoned|killed) to death|fatally (?:shot|stabbed|injured|wounded|hurt|hit|struck)|"
     r"(?:claimed|cost|took) the lives of|"
     r"(?:did not|didn't|failed to) survive|dead on arrival|succumbed|"
     r"starved to death|froze to death|(?:beaten|stabbed|tortured) to death|buried(?!\s+(?:under|in|beneath|alive|by|inside))|neutrali[sz](?:ed|ing)|eliminat(?:ed|ing)|martyred", "killed"),
    (r"execut\w*|hanged|put to death", "executed"),
    (r"injur\w*|wounded|wounding|wounds|hurt|beaten|beating|beat up|treated|treating|burns|bandag(?:ed|ing)|maimed|"
     # hurt by what struck them, or told by the harm: "hit by rubber bullets", "overcome by tear gas", "broken bones"
     r"(?:hit|struck)\s+by\s+(?:[\w-]+\s+){0,2}?(?:bullets?|pellets|shrapnel|debris|stones|rocks|shells?|fragments|"
     r"projectiles|batons|vehicles?|cars?|trucks?)|"
     r"overcome by (?:tear gas|smoke|fumes)|(?:inhaled|inhaling) (?:smoke|tear gas|fumes)|"
     r"(?:received|receiving|given|needed|needing|required|requiring) first aid|cuts and bruises|broken bones|fractures|"
     # "73 officers sought medical help": people hurt, told by the care they asked for
     r"(?:sought|seeking|needed|needing|required|requiring|received|receiving) medical (?:help|assistance|attention|care|treatment)|suffer(?:ed|ing)? (?:[\w-]+\s+){0,2}?(?:burns|fractures)|in (?:a )?(?:critical|serious|stable) condition", "injured"),
    (r"arrest\w*|rounded up|apprehended|nabbed|bundled into (?:police |military |unmarked )?(?:vans?|cars?|vehicles|trucks)|"
     r"taken into custody", "arrested"),
    (r"taken away in (?:police |military |unmarked )?(?:vans?|cars?|vehicles|trucks)", "detained"),
    (r"detain\w*|detention|in custody|jailed|imprisoned|behind bars|in prison|in jail|locked up|remanded|"
     r"(?:being|been|were|are|was|is|remain|remained|still|(?:have|has|had)(?:\s+\w+ly)?)\s+held\b|"
     r"held (?:without|incommunicado|in|on)", "detained"),
    (r"sentenced|prison terms?|convicted", "sentenced"),
    (r"missing|trapped|unaccounted for|last seen|vanished|(?:gone|went) missing|(?:not|never) (?:been )?heard from|"
     # people not yet found: "have yet to be located", "had not been found", "still to be traced", "lost at sea"
     r"(?:yet|still)\s+to\s+be\s+(?:found|located|traced|recovered|accounted for)|"
     r"(?:(?:had|have|has)\s+(?:still\s+)?(?:not|never)\s+(?:yet\s+)?been|(?:are|were|is|was)\s+(?:still\s+)?(?:not|never)"
     r"(?:\s+yet)?(?:\s+been)?)\s+(?:found|located|traced|recovered)"
     r"(?!\s+(?:guilty|responsible|liable|to\b))|"
     r"(?:could|can)\s*not be (?:found|located|traced|reached)|lost at sea|(?:swept|washed|carried) away|"
     r"search(?:ing|ed|es)?\s+(?:[\w’'-]+\s+){0,6}?for|looking for|(?:feared|believed|thought)\s+(?:to be\s+)?buried|"
     r"(?:still\s+)?(?:under|beneath|buried (?:under|in))\s+(?:the\s+)?(?:mud|rubble|debris|snow|sand)|(?:could|can) not be accounted for|(?:cannot|can't|could not|couldn't|can not) account for|disappeared|disappearances?|"
     r"(?:fate|whereabouts) (?:remains?|is|are) unknown|(?:the )?(?:fate|whereabouts) of|"
     r"never (?:came|come|made it) (?:up|back|home|out)|never returned|lost (?:contact|touch|radio contact) with(?:\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?\w+\s+carrying)?|"
     r"(?:had|have|has|did)\s+not\s+(?:yet\s+)?(?:come|came|returned|made it)\s+(?:home|back)|"
     # "families of nearly 50 men who have had no word since Friday", "relatives of 64 detainees ... had received no
     # information about their whereabouts"
     r"(?:had|have|has|received)\s+no\s+(?:word|news)\b|"
     r"no\s+(?:information|news|word)\s+(?:about|on|of)\s+(?:their|his|her)\s+(?:whereabouts|fate)", "missing"),
    (r"returned (?:home|to their homes)|have returned|had returned|returning (?:home|to (?:their|its|his|her))|"
     r"return(?:ed|ing)? to (?:the\s+)?(?:[\w-]+\s+)?(?:villages?|towns?|areas? of origin|home (?:areas?|towns?|villages?))|"
     r"(?:the\s+)?returns? (?:home\s+)?of|"
     r"(?:came|come|coming|went|gone|going) back (?:home|to|from|across)", "returned"),
    (r"separated from (?:their\s+)?(?:families|parents|relatives|caregivers)|unaccompanied(?: and separated)?|"
     r"separated children|"
     # "180 children who arrived without either parent", "crossed the border at Gela on their own"
     # ("arriving through Kavra alone" is arriving only there)
     r"(?:arrived|arriving|travel+ed|travel+ing|crossed|crossing|came|coming|fled|fleeing)\s+(?:alone\b|"
     r"(?:[\w’'-]+\s+){0,6}?(?:without (?:either |their |a |any )?(?:parents?|adults?|guardians?|famil(?:y|ies))|"
     r"on their own)\b)",
     "separated"),
    (r"discharged", "discharged"),
    (r"on board|aboard|(?:was|were) carrying|(?:boat|vessel|ship|dinghy|ferry|bus|coach|train|plane|aircraft|truck|lorry)"
     r"\s+carrying|"
     # people counted by the tickets sold for a journey: "612 passengers had bought tickets for the 16:05 service", "312
     # passengers had been booked on the service", "had sold 386 tickets for the crossing"
     r"(?:been\s+)?booked\s+(?:on|onto|for)\s+(?:the|a|an|its|this|that)\s+(?:[\w:-]+\s+){0,3}?(?:service|train|flight|"
     r"ferry|crossing|voyage|bus|coach|boat|ship|trip|sailing)|bought tickets|"
     r"tickets?\s+(?:for|on)\s+(?:the|a|an|its|this|that)\s+(?:[\w:-]+\s+){0,3}?(?:service|train|flight|ferry|crossing|"
     r"voyage|bus|coach|boat|ship|trip|sailing)", "passengers"),
    (r"rescued|saved|(?:brought|pulled|carried|helped) ashore|brought (?:to the surface|out) alive|pulled (?:out )?alive|alive from|to the surface|"
     r"(?:brought|pulled|taken|carried|lifted)\s+(?:out\s+)?(?:of|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?alive|"
     r"to safety|airlifted|evacuated by (?:air|helicopter)|"
     # people taken out alive from where they were caught: "plucked from rooftops", "freed from the wreckage", "found alive"
     r"(?:pulled|plucked|dug|freed|cut|winched|lifted|hauled|fished|extracted|retrieved)\s+(?:out\s+)?(?:from|of|off)\s+"
     r"(?:the\s+|a\s+|their\s+)?(?:[\w-]+\s+){0,2}?(?:rubble|debris|wreckage|ruins|water|sea|river|rooftops?|roofs?|mud|"
     r"floodwaters?|cars?|vehicles?|buildings?)|(?:found|dug out|brought out|got out|recovered) alive", "rescued"),
    (r"on strike|strikers|joined the (?:[\w-]+\s+)?(?:strike|stoppage|walkout)|absent|went on strike|walked out|"
     r"walked off the job|stopped work|downed tools|stayed away from (?:work|classrooms|schools?)|"
     r"stayed off (?:work|the job)|(?:staged|joined|held) (?:a |the )?(?:[\w-]+\s+)?walkout|"
     # a strike's numbers are its own, not a protest's: "took part in the strike"
     rf"{_TAKE_PART} in (?:the|a|an|their)\s+(?:[\w-]+\s+){{0,2}}?(?:strike|stoppage|walkout)", "strikers"),
    (r"captured|recaptured|abducted|kidnapped|taken hostage|taken captive|taken prisoner|seized|snatched|"
     # held by captors, not by a state: "being held hostage", "held captive" (longer than the detention's "were held")
     r"(?:being|been|were|are|was|is|still)\s+held\s+(?:as\s+)?(?:hostages?|captive)|"
     r"(?:taken|seized|snatched|dragged) from (?:their|his|her) (?:homes?|houses?|beds?)", "captured"),
    (r"displaced|fled their homes|"
     # people who found shelter away from home, or were told or made to leave it: "took refuge in a stadium", "sought
     # shelter with relatives", "forced to leave their homes", "ordered to evacuate", "moved to higher ground"
     r"(?:sought|seeking|seek|took|taken|taking|take|found|finding)\s+(?:refuge|shelter|sanctuary)"
     r"(?!\s+(?:abroad|in neighbou?ring|across|over the border))|"
     r"(?:forced|made|ordered|told|obliged|compelled)\s+to\s+(?:leave|abandon|flee)\s+(?:their|its|his|her)\s+"
     r"(?:homes?|houses?|villages?|towns?|land)|(?:ordered|told|urged|advised|forced)\s+to\s+(?:evacuate|leave\s+(?:the\s+area|immediately))|"
     r"(?:moved|evacuated|relocated|taken|fled)\s+to\s+(?:higher|safer)\s+ground|relocated|"
     r"(?:moved|moving|staying|stayed|living) (?:in )?with (?:relatives|friends|host families|family)|"
     r"(?:left|abandoned|deserted) (?:their|its) (?:homes|houses|villages|towns|neighbou?rhoods)|(?:forced|driven) (?:from|out of) their homes|forced to flee|evacuated|(?:help|helped|helping)\s+(?:to\s+)?evacuate|homeless|"
     r"sheltering|uprooted|stranded|from their (?:homes|villages|towns|land)|sleeping (?:outdoors|rough|in tents)|"
     # people who slept where the homeless are put: "120 people slept there on the first night", "slept in the gym"
     r"(?:slept|sleep|sleeps)\s+(?:there\b|in\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:schools?|halls?|gyms?|tents|shelters?|"
     r"classrooms|churches|mosques|camps?|cars|streets|open))|"
     r"in tents|without (?:shelter|(?:a|any) (?:home|roof)|homes)|left homeless|(?:made|rendered) homeless|"
     r"in (?:makeshift|temporary|emergency|improvised) (?:shelters|camps|housing|accommodation)|spent the night (?:outdoors|outside|in the open|in (?:the )?streets|in (?:[\w’'-]+\s+){0,3}?(?:shelters?|tents|schools?|(?:evacuation |sports |community )?cent(?:re|er)s?|halls?|gyms?|"
     r"stadiums?|churches|mosques|cars|camps?))|(?:live|lives|living|lived|staying|stay) in (?:the\s+)?(?:[\w-]+\s+){0,2}?(?:camps|shelters|sites|settlements|evacuation cent(?:re|er)s)|(?:had|have|has)\s+fled(?!\s+(?:abroad|across|into|to neighbou?ring))|"
     r"(?:are|were|is|was|remain|remained)\s+(?:still\s+)?in\s+(?:[\w-]+\s+){0,2}?(?:camps|shelters|evacuation cent(?:re|er)s)|"
     r"(?:camps?|settlements?|sites?|centres?|centers?)(?:[’']s?)?\s+(?:now\s+|currently\s+)?(?:shelters|hosts)|"
     # a camp as the subject of what it holds: "the camps around Ombe shelter", "the camp was then home to"
     r"(?:camps?|shelters?|settlements?)(?:\s+[\w-]+){0,3}?\s+(?:now\s+|then\s+|currently\s+)?(?:shelters?|hosts?|"
     r"holds?|houses?|(?:is|was|are|were)\s+(?:now\s+|then\s+|still\s+)?home\s+to)|"
     # leaving a place or losing a home: "had left the valley", "the number who have left the district"
     r"(?:had|have|has|who)\s+(?:since\s+)?left\s+(?:the|their|its)\s+(?:[\w-]+\s+){0,2}?(?:valley|district|region|"
     r"area|province|city|town|villages?|island|coast|homes?|houses?|neighbou?rhoods?|countryside)|"
     r"lost (?:their|its|his|her) (?:homes?|houses?)|(?:out of|away from) (?:their|its|his|her) homes?|"
     r"(?:been|were|was)\s+(?:moved|relocated)\s+to\s+(?:an?\s+|the\s+)?(?:school|shelter|camp|safer|temporary|evacuation|relief)|"
     r"(?:been|were|was)\s+(?:moved|relocated)\s+(?:out\s+of|away\s+from)\s|"
     r"(?:moved|relocated|evacuated)\s+out\s+of\s+(?:the|their|its)\s+(?:[\w-]+\s+){0,2}?(?:area|district|region|valley|"
     r"villages?|towns?|city|homes?|zone)\b|"
     # where people arrive or are put up says they have been driven from home: "arrived at the camp"
     r"(?:arrived|arriving|arrive|arrivals)\s+(?:at|in|into)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?"
     r"(?:camps?|shelters?|sites?|settlements?|(?:reception|evacuation|collective)\s+cent(?:re|er)s?)\b|"
     r"(?:accommodated|housed|put up|hosted)\s+(?:in|at)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}?"
     r"(?:camps?|shelters?|sites?|tents|cent(?:re|er)s)\b|"
     # people put where the homeless are put: "moved into tents", "accommodated in temporary accommodation points",
     # "sleeping in school halls", "bussed to temporary shelters", "staying with host families"
     r"(?:moved|taken|brought|bussed|transported|evacuated|relocated|accommodated|housed|sheltered|lodged|put up|"
     r"sleeping|slept|sleep|staying|stayed|stay|living|lived)\s+(?:in|into|to|at|with)\s+(?:the\s+|a\s+|an\s+)?"
     rf"(?:[\w-]+\s+){{0,2}}?{_SHELTERS}\b",
     "displaced"),
    (r"crossed into neighbou?ring countries|refugees|(?:fled|escaped|fleeing|escaping) across the border|"
     r"sought (?:safety|refuge|asylum|shelter)\s+(?:abroad|in neighbou?ring|across|over the border)|crossed (?:the\s+)?(?:[\w-]+\s+)?border|fled abroad|"
     r"fled (?:into|to|across (?:the border )?into)\s+neighbou?ring|"
     # "people who have fled fighting in Velmoria to neighbouring Tessan", "still crossing each day at the Brenner
     # Gap and Kalo border points"
     r"fled\s+(?:[\w’'-]+\s+){1,5}?(?:in)?to\s+neighbou?ring|"
     r"cross(?:ed|ing|es)?\s+(?:[\w’'-]+\s+){0,4}?(?:at|through|via)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,5}?"
     r"(?:border\s+(?:points?|posts?|crossings?|crossing points?)|crossing points?)\b|crossed (?:from\s+\w+\s+)?into\s+neighbou?ring|"
     # "In a single week, it says, 9,400 crossed.": crossing with nothing after it, or into a country, is crossing the
     # border
     r"(?:have\s+|had\s+|has\s+)?crossed(?=\s*(?:[.;]|$|over\b))|crossed (?:over )?into\b|"
     r"arrived at the border|new arrivals|asylum[- ]seekers|(?:applied|apply|applying|claimed|claiming) for asylum|"
     r"(?:sought|seeking|claimed|claiming|requested|lodged)\s+asylum|"
     r"(?:(?:had|have|has|who)\s+(?:since\s+)?)?(?:fled|escaped|left)\s+the\s+country\b|(?:arrived|arriving|arrivals)\s+(?:in|into)\s+neighbou?ring|(?:have|has|had)\s+(?:come|came)\s+across\b", "refugees"),
    (r"pardoned|released|freed(?!\s+(?:from|out of)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:rubble|debris|wreckage|ruins|mud|cars?|vehicles?))|"
     r"let go|set free|granted bail|bailed|amnestied|discharged from (?:custody|prison|detention|jail)", "released"),
    (r"expelled|expulsions? of|deported|deportations? of|pushed back", "expelled"),
    (r"tortured|torture|subjected to (?:[\w-]+\s+){0,2}?(?:electric shocks?|mock executions?|torture|ill-treatment|"
     r"beatings|sexual violence|waterboarding|stress positions)|electric shocks?|mock executions?", "tortured"),
    (r"(?:prisons?|jails?|prison system|facility|detention (?:cent(?:re|er)s?|facilities|camps?))(?:[’']s)?\s+"
     r"(?:now\s+|then\s+|currently\s+)?(?:held|holds?|housed|houses?)\b|"
     r"(?:now|currently) (?:holds|houses|hosts|held|housed|hosted)|prison population of", "prisoners"),
    (r"transferred|moved to (?:a|another) (?:prison|jail|detention)|(?:have|has|had)\s+relocated", "transferred"),
    (r"charged|indicted|prosecuted|fac(?:e|es|ing) (?:[\w-]+\s+)?(?:charges|prosecution|trial)|charges against|"
     # "Criminal cases have been opened against 52 of them"
     r"(?:criminal\s+)?(?:cases?|proceedings)\s+(?:(?:have|has|had|were|was|been|now|also)\s+)*"
     r"(?:opened|brought|initiated|filed|launched|instituted)\s+against|"
     r"(?:being|been|are|were) tried|on trial|stand(?:s|ing)? trial", "charged"),
    (r"on hunger strike|hunger strikers?|refus(?:ed|ing|e) (?:food|meals|to eat)", "hunger_strikers"),
    (r"admitted to (?:hospitals?|clinics?|(?:its|their|the|a|an)\s+(?:[\w-]+\s+)?(?:hospitals?|clinics?|nutrition|"
     r"treatment|health|intensive|wards?))|"
     r"taken to (?:the )?hospitals?|hospitali[sz]ed|"
     # "Eight had been sent on to hospital", "five of them have been moved to the prison hospital"
     rf"{_TO_HOSPITAL}|"
     # a hospital or its staff as the subject: "the ward has admitted", "his nurses have admitted"
     r"(?:hospitals?|clinics?|wards?|nurses|doctors|medics|staff|we)(?:\s+[\w-]+){0,3}?\s+(?:has\s+|have\s+|had\s+)?"
     r"admitted|(?:been|were|was|are|being)\s+admitted(?!\s+(?:to|into)\s+(?:the\s+)?(?:country|university|school|bar|party|"
     r"programme|program|union|club))|(?:being\s+)?treated in (?:(?:a|the|its|their)\s+)?(?:[\w-]+\s+)?hospitals?|(?:required|needed|needing|received|receiving) hospital treatment|"
     r"(?:remain|remained|remains|are|were|is|still) in (?:hospital|intensive care)|"
     r"(?:kept|keeping|held|detained) in (?:hospital|intensive care)(?!\s+(?:custody|detention))", "hospitalised"),
    (r"damaged|destroyed|set fire to|set on fire|burned|burnt|torched|looted|vandali[sz]ed|demolished|razed|flattened|"
     r"collapsed|(?:washed|swept) away|reduced to (?:rubble|ruins|ashes)|(?:left|rendered) uninhabitable|gutted|"
     r"inundated|submerged|flooded|level+ed|wrecked|shelled|(?:hit|struck) by (?:shelling|shells|missiles?|rockets?|"
     r"air\s?strikes?|drones?|bombs?|artillery)|damage\s+(?:was\s+|were\s+)?(?:caused\s+|done\s+)?to|buried|burying|engulfed",
     "damaged"),
    (r"in favou?r|yay|yes votes?|voted for", "votes_in_favour"),
    (r"against|no votes?|voted against", "votes_against"),
    (r"abstentions?|abstained", "abstentions"),
    # "took part in the violence" is no protest
    (rf"marched|rallied|{_TAKE_PART}(?!\s+in\s+(?:the\s+)?(?:violence|riots?|rioting|attacks?|"
     r"fighting|mutiny|unrest|disturbance|killings?|assault))|took to the streets|demonstrated|protested|"
     r"turned out|joined the protests?|crowds? at|crowd of|"
     # gathering told as protest: "gathered to protest", "massed in protest", "staged a sit-in"
     r"(?:gathered|assembled|massed|converged)\s+(?:to\s+(?:protest|demonstrate|denounce|demand|call for)|in protest)|"
     r"(?:staged|held|joined)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+)?(?:sit-ins?|protests?|demonstrations?|rall(?:y|ies)|marches)|"
     # "The mayor's office puts the crowd in the capital at some 20,000"
     r"(?:put|puts|putting|estimated|estimates|estimate|estimating|numbered|counted)\s+(?:the\s+)?(?:[\w-]+\s+)?"
     r"(?:crowds?|turnout)\s+(?:[\w-]+\s+){0,4}?at|"
     r"(?:joined|swelled|filled the streets for)\s+(?:the|a|an|this|that|their)\s+(?:[\w-]+\s+){0,2}?"
     r"(?:march|marches|rally|rallies|protests?|demonstrations?|vigil|sit-in)|"
     r"attended (?:the|a|an)\s+(?:[\w-]+\s+){0,2}?(?:demonstration|protest|rally|march|vigil|sit-in)s?|"
     r"(?:are|were|is|was)\s+(?:marching|rallying|protesting|demonstrating)", "protesters"),
    (r"cities|towns|localities", "cities"),
)
METRIC_WORD_PATTERNS = [(re.compile(rf"(?i)\b(?:{words})\b"), metric) for words, metric in METRIC_WORDS]


def _metric_named_by(words: str) -> str | None:
    """The metric whose words are exactly ``words`` ("executed", "the dead" are not: "dead" is), or None."""
    return next((metric for pattern, metric in METRIC_WORD_PATTERNS if pattern.fullmatch(words)), None)
METRIC_DEFINITIONS = {
    "killed": ("People killed", "people"),
    "casualties": ("People killed or injured", "people"),
    "dead_or_missing": ("People dead or missing", "people"),
    "strikers": ("People on strike", "people"),
    "returned": ("Displaced people who returned home", "people"),
    "separated": ("Children separated from their families", "people"),
    "discharged": ("People discharged from hospital", "people"),
    "passengers": ("People on board", "people"),
    "rescued": ("People rescued", "people"),
    "captured": ("People captured or abducted", "people"),
    "injured": ("People injured", "people"),
    "arrested": ("People arrested", "people"),
    "detained": ("People detained", "people"),
    "executed": ("People executed", "people"),
    "sentenced": ("People sentenced", "people"),
    "sentenced_to_death": ("People sentenced to death", "people"),
    "missing": ("People missing", "people"),
    "displaced": ("People displaced", "people"),
    "refugees": ("People who fled abroad", "people"),
    "released": ("People released", "people"),
    "transferred": ("People transferred to another place of detention", "people"),
    "charged": ("People charged", "people"),
    "hunger_strikers": ("People on hunger strike", "people"),
    "hospitalised": ("People taken to hospital", "people"),
    "protesters": ("People taking part in protests", "people"),
    "damaged": ("Buildings and vehicles damaged or destroyed", "buildings and vehicles"),
    "expelled": ("People expelled or deported", "people"),
    "tortured": ("People tortured", "people"),
    "prisoners": ("People held in prison", "people"),
    "suicides": ("Suicides", "people"),
    "assaults": ("Assaults", "assaults"),
    "attacks": ("Attacks verified or recorded (on schools, health care, ...)", "attacks"),
    "complaints": ("Complaints received", "complaints"),
    "votes_in_favour": ("Votes in favour", "votes"),
    "votes_against": ("Votes against", "votes"),
    "abstentions": ("Abstentions", "votes"),
    "cities": ("Cities and towns with protests", "cities and towns"),
}
THING_METRICS = frozenset({"cities", "damaged", "assaults", "attacks", "complaints"}) | VOTE_METRICS
PEOPLE_METRICS = frozenset(METRIC_DEFINITIONS) - THING_METRICS
# "the toll", "the count", "a figure it revised to": the number belongs to what was just counted.
ANAPHORIC_COUNT = re.compile(r"(?i)\b(?:toll|count|tally|figure|number|estimate|total)\b(?!\s+that\b)"
                             # "it raised that to 131": the count the sentence before gave
                             r"|\b(?:raised|lowered|revised|increased|corrected)\s+(?:that|it|this)\s+to\b")
PUT_NUMBER_AT = re.compile(
    r"(?i)\b(?:put|puts|putting|placed|places|placing|estimated|estimates|estimating|set|sets|setting)\s+"
    r"(?:the|its|their|his|her|our)\s+(?:[\w-]+\s+)?(?P<noun>number|total|count|tally|toll|figure)\s+"
    # "the number of people still without a home", "the number who have left the district"
    r"(?P<what>(?:of|who|that)\s+[^;:]{1,120}?)\s+at\s+(?:(?:about|around|some|roughly|nearly|almost|over|more than|at least|close to|"
    r"up to|an estimated)\s+)?$")
SUBSET_BEFORE = re.compile(r"(?i)(?:\bincluding|\bamong them|\bamong whom|\bof whom|\bof them|\bamong those|\bincl\.)\s*$")
SUBSET_AFTER = re.compile(r"(?i)^\s*of (?:them|those|whom|these)\b")
SUPERSET_AFTER = re.compile(r"(?i)^\s*of (?:those|the|these) (?:[a-z]+ed|dead|missing|wounded|injured)\b")
# "Organizers estimated the crowd at 150,000; police said 35,000.": another speaker's figure for the same count.
COUNTER_ESTIMATE = re.compile(
    r"(?i)^\s*[;,]\s*(?:but\s+|while\s+|whereas\s+)?(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,3}?\s+"
    r"(?:said|says|put it at|puts it at|estimated|estimates|counted|gave|reported)\s*$")
_HIGHER_OR_LOWER_THAN = r"(?:higher|lower|greater|fewer) than"
# Between two figures: the second continues the first ("212 children and 168 women", "94 ... compared with 51").
COORDINATION = re.compile(
    r"(?i)^(?:[\w\s’'-]{0,40}?(?:,\s*|\s+(?:and|or|to)\s+)|[^.;]{0,120}?\b(?:compared (?:with|to)|up from|down from|versus|vs\.?|"
    rf"{_HIGHER_OR_LOWER_THAN})\s+"
    r"(?:(?:the|its|their|an?)\s+)?(?:earlier\s+)?|"
    # "58 attacks on schools between January and May, against 17 in the five months before"
    r"[^.;]{0,120}?,\s+against\s+|"
    # "243 people have died, raising its earlier toll of 208": the earlier figure counts the same
    r"[^.;]{0,160}?\b(?:earlier|initial|previous|original)\s+(?:death\s+)?(?:toll|figure|count|estimate|tally)\s+of\s+)$")
# "lists 63 deaths in custody: 22 at Ost Central, 17 at Nardo": a colon opens a breakdown of the figure
# before it, place by place.
BREAKDOWN = re.compile(r"^[^.;:]{0,60}:\s*$")
BY_PLACE = re.compile(r"(?i)^\s*(?:at|in|from|on|across)\s+(?:the\s+)?[\w’'-]+")
METHOD = re.compile(r"(?i)\b(?:interviewed|surveyed|spoke (?:to|with)|consulted|reviewed|analy[sz]ed)\b")
INCREMENT = re.compile(r"(?i)\b(?:bringing|brings|brought|raising|raises|raised|taking|takes|pushing)\b.{0,80}\bto\b")
AMONG_THOSE = re.compile(
    r"(?i)\bamong (?:those|the|them)\s+(?:\w+\s+)?(?P<verb>\w+(?:ed|en|dead|missing|wounded))\b[^,;.]{0,40}?"
    r"\b(?:were|was|are|is)\s+$")
TAKEN_BEFORE = re.compile(rf"(?i)\b(?:seized|snatched|dragged|abducted|kidnapped|took|taken|grabbed)(?:\s+away)?{_MORE}\s+$")
# A rescue told by how people were taken out: the verb before the number, where from after it.
RESCUE_BEFORE = re.compile(
    r"(?i)\b(?:pulled|lifted|plucked|hauled|winched|fished|dug|picked up|ferried|brought|got|carried)"
    rf"(?:\s+(?:out|up|off|back|ashore))?{_MORE}\s+$")
RESCUE_AFTER = re.compile(
    r"(?i)^[^.;]{0,60}?\b(?P<place>alive|survivors?|(?:from|out of|off)\s+(?:the\s+|a\s+|their\s+)?(?:[\w-]+\s+)?"
    r"(?:water|sea|river|waves|rooftops?|roofs?|rubble|debris|wreckage|ruins|mud|floodwaters?|flood|rocks|cliffs?|"
    r"mine|shaft|cave|sinking|capsized)|(?:clung|clinging) to|adrift)\b"
    # "they had brought six of them out": out, and from nowhere else
    r"|^(?:\s+(?:of\s+them|people|men|women|miners|survivors))?\s+(?P<out>out)\b(?!\s+(?:of|from|to|for|on|in)\b)")
DEFAULT_METRIC_OF_NOUN = {
    **dict.fromkeys(("prisoners", "political prisoners", "detainees"), "detained"),
    **dict.fromkeys(("protesters", "protestors", "demonstrators", "marchers"), "protesters"),
    # people named by what happened to them: "treated 2,300 patients", "1,200 evacuees", "40 hostages"
    "inmates": "prisoners", "patients": "hospitalised", "inpatients": "hospitalised", "hostages": "captured", "evacuees": "displaced", "returnees": "returned",
    "passengers": "passengers", "hunger strikers": "hunger_strikers", "strikers": "strikers",
}
# Words that say how people were cared for, not what happened to them ("treated", "visited", "registered"):
# the people's own noun, when it names a metric, says more ("treated 2,300 patients" were in hospital).
CARE_WORDS = frozenset({"treated", "treating", "treats", "treat"})
_VERB_AFTER = re.compile(r"(?i)^[^,;.]{0,40}?\b(?:had|have|has|were|was|are|is|been|being)\b")


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    start: int
    text: str
    paragraph: int


_ABBREVIATIONS = re.compile(
    r"(?i)(?:\b(?:mr|mrs|ms|dr|st|gen|col|lt|sgt|prof|rev|no|nos|vs|p|pp|para|fig|vol|approx|est|jan|feb|mar|apr|"
    r"jun|jul|aug|sep|sept|oct|nov|dec|inc|ltd|co|corp|dept|gov|govt|u\.s|u\.k|u\.n)|\b[A-Z])\.$"
)
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; a paragraph is a line (blank lines and line breaks end one)."""
    sentences: list[Sentence] = []
    paragraph = 0
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        paragraph += 1
        begin = line.start()
        for end in _SENTENCE_END.finditer(line.group()):
            candidate = text[begin : line.start() + end.start() + 1]
            if _ABBREVIATIONS.search(candidate):
                continue
            _add_sentence(sentences, text, begin, line.start() + end.end(), paragraph)
            begin = line.start() + end.end()
        _add_sentence(sentences, text, begin, line.end(), paragraph)
    return sentences


def _add_sentence(sentences: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        sentences.append(Sentence(start + (len(chunk) - len(chunk.lstrip())), stripped, paragraph))


# --------------------------------------------------------------------------------------------
# Figures in a sentence
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureSpan:
    start: int  # offsets within the sentence
    end: int
    stated: str  # verbatim
    figure: Figure


def find_figures(sentence: str) -> list[FigureSpan]:
    """Figure phrases in a sentence, leaving out years, dates, ages, times, ordinals and page numbers."""
    spans: list[FigureSpan] = []
    for match in FIGURE_PATTERN.finditer(sentence):
        if _is_not_a_count(sentence, match):
            continue
        figure = _understand(sentence, match)
        if figure is not None:
            spans.append(FigureSpan(match.start(), match.end(), match.group(), figure))
    return spans


_AND_NUMBER_WORD = re.compile(
    r"(?i)^\s+and\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety)\b")


def _is_not_a_count(sentence: str, match: re.Match[str]) -> bool:
    before, after = sentence[: match.start()], sentence[match.end() :]
    # "Of the 40 people injured, 12 were ...": a sentence opening on the group counts it (no denominator)
    group_first = bool(re.fullmatch(r"[\"“‘']?\s*(?:Of|Among)\s+(?:the|those)\s+", before))
    if SHARE_BEFORE.search(before) or (NOT_COUNT_BEFORE.search(before) and not group_first) or NOT_COUNTS.match(after) or TIME_NEAR.match(after) or BUILT_FOR.search(before):
        return True
    if DATE_NEAR.search(before) or DATE_AFTER.match(after) or re.search(r"\d[:.]$", before):
        return True
    if re.search(rf"(?i){_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*(?:and|to|or|[-–])\s*$", before):
        return True  # "on February 24 and 25": the second of two days
    if re.match(r"(?i)^\s*(?:and|to|or|[-–])\s*\d{1,2}(?=\D)", after) and DATE_AFTER.match(re.sub(
            r"(?i)^\s*(?:and|to|or|[-–])\s*\d{1,2}", "", after)):
        return True  # "on 3 and 4 May": the first day of two
    if re.search(r"(?i)\b(?:hundred|thousand)$", match.group()) and _AND_NUMBER_WORD.match(after) \
            or re.search(r"(?i)\b(?:hundred|thousand)\s+and\s+$", before):
        return True  # "two hundred and eleven": one number the grammar does not read, not 200 and 11
    number = match.group("number") or match.group("dash_low") or match.group("between_low") or match.group("from_low")
    if number is None:
        return False
    if number.lower() == "one" and re.search(r"(?i)\bno\s+$", before):
        return True  # "no one missing": nobody, not a count of one
    if AGE_LIMIT.match(match.group()) and re.search(
            r"(?i)\b(?:are|were|is|was|be|been|being|aged|children|girls|boys|people|those|ones|them|dead|killed|"
            r"injured|wounded|victims|missing|detained|arrested|men|women|survivors|passengers|migrants|refugees|"
            r"all|both)\s+$", before):
        # "9 are under 18", "children under five", "31 of the dead under 18": an age limit, not a count
        return True
    if YEAR.match(number) or (match.group("dash_high") and YEAR.match(match.group("dash_high"))):
        return counted_noun(after)[0] is None  # "1988", "2019 uprising"; but "1500 people" counts
    # "Samir Haddad, 34, told": an age in apposition to a name
    if re.search(r"[A-Z][\w’'-]+,\s*$", before) and after.startswith(",") and number.isdigit() and int(number) < 120:
        return True
    if number.lower() == "one" and re.match(rf"(?i)^\s+of\s+(?:the\s+)?{_NUMBER}", after):
        return True  # "one of five men killed": the person, one of the group the next number counts
    # "one of the worst", "a hundred years": small words count only when people follow, or when a qualifier
    # makes them an amount ("was carrying more than a hundred")
    small = ("one",) if match.group("qualifier") else ("one", "a hundred", "a thousand")
    return number.lower() in small and counted_noun(after)[0] is None


def _understand(sentence: str, match: re.Match[str]) -> Figure | None:
    """The figure the grammar reads in the phrase found, or None when it refuses it, or when the words
    after it make the number part of a share or a pair ("two thirds", "three times", "300 / 400")."""
    try:
        figure = parse_figure(" ".join(match.group().split()))
    except FigureError:
        return None
    try:
        parse_figure(sentence[match.start() :])
    except NotACount:
        return None
    except FigureError:
        pass  # what the grammar refuses further on ("12, 5 of them children") is another figure's business
    return figure


def counted_noun(after: str) -> tuple[str | None, int]:
    """The noun a number counts ("1,500 peaceful protesters" -> "protesters") and where it ends."""
    words = list(re.finditer(r"[A-Za-z’'-]+|[^\sA-Za-z]", after[:120]))
    i = 1 if words and words[0].group().lower() == "of" else 0  # "thousands of activists"
    skipped = 0
    while i < len(words) and skipped <= 3:
        word = words[i].group().lower().strip("’'")
        # "30 more residents", "12 other detainees": the people are counted all the same
        if word in ('"', "“", "”", "‘", "’", "", "its", "their", "our", "his", "her", "own", "the", "more", "other",
                    "further", "additional"):
            i += 1
            continue
        for size in (5, 4, 3, 2, 1):
            phrase = " ".join(w.group().lower() for w in words[i : i + size])
            if phrase in PEOPLE_NOUNS or phrase in METRIC_NOUNS or phrase in THING_NOUNS or phrase in NOT_PEOPLE_NOUNS:
                thing = " ".join(w.group().lower() for w in words[i + size : i + size + 1])
                if phrase in PEOPLE_NOUNS and thing in THING_NOUNS:  # "four police vehicles": vehicles
                    return thing, words[i + size].end()
                return phrase, words[min(i + size, len(words)) - 1].end()
        if not re.match(r"[a-z-]+$", word) or word in _STOP_WORDS:
            return None, 0
        skipped += 1
        i += 1
    return None, 0


def _first_word(text: str) -> str:
    match = re.match(r"\s*[\"“”‘’']?\s*([A-Za-z][\w’'-]*)", text)
    return match.group(1).lower() if match else ""


_STOP_WORDS = set(
    "the a an and or but to in on at by for from with of that which who whom were was had have has been be are is "
    "will would could should may might said says told more than less about around over under since during after "
    "before into across this these those its their his her our my your it they them remain remained still now "
    "also already as when while because until amid following".split()
)


# --------------------------------------------------------------------------------------------
# What a figure counts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricGuess:
    metric: str
    population: str | None
    confidence: float
    reason: str


_SENTENCED = re.compile(r"(?i)\bsentenced\s+$")
_TO_DEATH = re.compile(r"(?i)^\s*(?:[\w-]+\s+){0,3}?to death\b")


def _clause_words_around(sentence: str, span: FigureSpan) -> tuple[str, str]:
    """The words of the figure's clause before and after it, without quotation marks around the figure alone:
    '"around 150" were still missing' says what the 150 are as '150 were still missing' does."""
    clause_start, clause_end = _clause_around(sentence, span.start, span.end)
    before, after = sentence[clause_start : span.start], sentence[span.end : clause_end]
    if re.search(r"[\"“]$", before) and re.match(r"[\"”]", after):
        return before[:-1], after[1:]
    return before, after


def guess_metric(sentence: str, span: FigureSpan, previous: tuple[FigureSpan, MetricGuess] | None,
                 topic: str | None) -> MetricGuess | None:
    """The metric a figure counts, or None when nothing says: the rules below apply in order, from
    the counted noun ("46 deaths") to nearby verbs, the figure it continues and words pointing back; then
    what the clause says of the people now outranks how they came to be counted."""
    guess = _guess_metric(sentence, span, previous, topic)
    before, after = _clause_words_around(sentence, span)
    if guess is None:
        return _metric_without_metric_words(sentence, before, after, topic)
    if guess.metric == "prisoners" and re.search(r"(?i)\b(?:camps?|shelters?|settlements?|(?:transit|reception|"
                                                 r"evacuation|collective) cent(?:re|er)s?)\b", sentence) \
            and not re.search(r"(?i)\b(?:prisons?|jails?|detention|penitentiar\w+|inmates|prisoners)\b", sentence):
        # "By the reckoning of the camp administration it now houses 41,000": a camp holds displaced people
        return MetricGuess("displaced", guess.population, 0.6, f"{guess.reason}, in a camp")
    if guess.metric not in _STAYING and STILL_THERE.match(after) and counted_noun(after)[0] is None:
        return None  # "12 people died and 30 are still there": those still there are not the dead of the clause before
    if guess.metric == "cities" and not _PROTEST_WORDS.search(sentence):
        return None  # "arrests in the capital and four other cities": where it happened, not how far protest spread
    group = _GROUP_OPENING.match(sentence)
    if group and span.start > group.end() - 2:
        outcome = _metric_named_by(group.group("outcome"))
        if outcome is not None and _STAGES.get(outcome, -1) > _STAGES.get(guess.metric, 99):
            # "Of those executed, 51 had been convicted of drug offences": what they were convicted of comes
            # before what happened to them, and the sentence is about those executed
            return MetricGuess(outcome, guess.population, 0.75, f'"{group.group().rstrip(", ")}" (the group counted)')
    if guess.metric != "missing" and _WHEREABOUTS_OF.search(before) and re.search(r"(?i)\bunknown\b", after):
        # "the whereabouts of 147 of those detained remain unknown": missing, whatever brought them in
        return MetricGuess("missing", guess.population, 0.75, '"whereabouts of ... unknown"')
    held = _STILL_HELD.search(after)
    if guess.metric == "arrested" and held:
        # "412 people arrested during the June protests are still held": what they are now is detained
        return MetricGuess("detained", guess.population, 0.75, f'"{held.group()}"')
    fate = _DID_NOT_SURVIVE.search(after)
    if guess.metric in ("injured", "hospitalised") and fate:
        # "Two men arrived with head wounds and did not survive": what became of them, not how they came in
        return MetricGuess("killed", guess.population, 0.75, f'"{fate.group()}"')
    illness = _TREATED_FOR_ILLNESS.search(after)
    if guess.metric == "injured" and illness and "treated" in guess.reason:
        # "treated more than 3,100 children for measles": patients of a disease, not people hurt
        return MetricGuess("hospitalised", guess.population, 0.65, f'"treated ... {illness.group()}"')
    return _group_or_care(sentence, span, before, after, guess, previous[1].metric if previous else topic)


def _metric_without_metric_words(sentence: str, before: str, after: str, topic: str | None) -> MetricGuess | None:
    """A metric for a figure the metric words did not name: people lost, admitted by a hospital, or told by their
    coming or going."""
    noun = counted_noun(after)[0]
    bare = noun is None and re.match(r"(?i)\s*(?:[,.;:]|(?:in|on|at|to|during|over|since|this|last|overnight)\b|$)",
                                     after)
    if _LOST_BEFORE.search(before) and (bare or noun in PEOPLE_NOUNS):
        # "Last week we lost three in a single night", "the village has lost 14 people": deaths
        return MetricGuess("killed", _population(noun, after), 0.6, '"lost" people')
    admitted = _ADMITTED_BEFORE.search(before)
    if admitted and (bare or noun in PEOPLE_NOUNS) and _CARE_PLACE.search(sentence):
        # "The main hospital in Port Orsa said it had admitted 57 survivors": people a hospital admitted are in
        # its care, whatever brought them in (the hospital may be named too far back for the metric words)
        return MetricGuess("hospitalised", _population(noun, after), 0.6, f'"{admitted.group().strip()}" by a hospital')
    return _metric_of_movement(sentence, after, noun, topic)


def _group_or_care(sentence: str, span: FigureSpan, before: str, after: str, guess: MetricGuess,
                   referred: str | None) -> MetricGuess:
    """The metric told by the group a part is taken from, or by a hospital's care, when either outranks the guess."""
    part = _part_of_group(sentence, span, after, referred)
    if part is not None and part[0] != guess.metric:
        # "Of the dead, 22 were children", "at least six of the dead brought to the hospital were children", "610 of
        # them were unaccompanied children", "64 of those executed had been convicted of drug offences": who the part
        # is, or what came before, says nothing new of what happened to them; the group says it
        return MetricGuess(part[0], guess.population, 0.75, f'"{part[1]}" (part of the group counted)')
    care = _in_hospital_care(sentence, before, after)
    if guess.metric == "injured" and care:
        # "the hospital had admitted 63 wounded", "Hospitals in Lirn were treating 61 people": the hurt a hospital
        # admitted or is caring for now are in hospital (what a hospital "has treated" in all stays injured)
        return MetricGuess("hospitalised", guess.population, 0.7, f'"{care}" (in hospital)')
    return guess


# The group a part is taken from: "Of the dead, 22 ...", "six of the dead ...", "64 of those executed ...".
_GROUP = r"(?:the|those)\s+(?P<group>dead|killed|deaths|executed|injured|wounded|missing|detained|arrested)"
_GROUP_BEFORE = re.compile(rf"(?i)^\W*(?:of|among)\s+{_GROUP}\s*,\s*$")
_GROUP_AFTER = re.compile(rf"(?i)^\s+of\s+(?:{_GROUP}|them)\b")
# What the part is, told after it: people of some kind ("were children", "were women and elderly pilgrims", "were
# under 18"), or a stage before what happened to the group ("had been convicted", "had been held for a year").
_PART_IS_WHO = re.compile(r"(?i)^[^.;:]{0,60}?\b(?:were|are)\s+(?:all\s+|also\s+)?(?:(?P<under>under\s+18)|"
                          r"(?P<words>[a-z-]+(?:\s+[a-z-]+){0,2}))")
_PART_EARLIER_STAGE = re.compile(r"(?i)^[^.;:]{0,60}?\b(?:had|have)\s+been\s+(?:[a-z]+ly\s+)?(?P<verb>convicted|sentenced|held|"
                                 r"detained|arrested|charged)\b")


def _part_of_group(sentence: str, span: FigureSpan, after: str, referred: str | None) -> tuple[str, str] | None:
    """The metric of the group a figure is a part of, with the words naming the group, when what the sentence says
    of the part is only who they are or what came before: else None (what happened to the part is its own count:
    "eight of the injured had died", "28 of the injured were in hospital"); ``referred`` is what "of them" refers to
    (the figure before in the sentence, else the text's topic)."""
    opening = _GROUP_BEFORE.match(sentence[: span.start])
    following = _GROUP_AFTER.match(after)
    if opening is not None:
        group, words, rest = opening.group("group"), opening.group().strip(" ,"), after
    elif following is not None and following.group("group"):
        group, words, rest = following.group("group"), following.group().strip(), after[following.end():]
    elif following is not None and referred is not None:
        group, words, rest = "", following.group().strip(), after[following.end():]
    else:
        return None
    metric = referred if not group else _metric_named_by(group)
    if metric is None:
        return None
    who = _PART_IS_WHO.match(rest)
    if who is not None and (who.group("under") or any(PEOPLE_NOUNS.get(w) for w in who.group("words").lower().split())):
        return metric, words
    earlier = _PART_EARLIER_STAGE.match(rest)
    if group and earlier is not None:
        stage = _metric_named_by(earlier.group("verb"))
        if _STAGES.get(metric, -1) > _STAGES.get(stage or "", 99):
            return metric, words
    return None


# Care in hospital, told around a count of the hurt: admitted ("had admitted 21 of the injured"), being cared for
# now by a hospital ("The hospital is treating 22 injured people", "Hospitals in Lirn and Sava were treating 61",
# "it was treating 64 survivors" of a hospital), or treated at a named hospital ("have been treated at the Serrin
# Military Hospital", "were being treated there" in a sentence about a hospital).
_ADMITTED_BEFORE = re.compile(rf"(?i)\b(?:admitted|admits|admitting){_MORE}\s+$")
_HOSPITAL_TREATING_BEFORE = re.compile(
    r"(?i)\b(?P<who>hospitals?|clinics?|wards?|it|they)(?:\s+in\s+[A-Z][\w-]*(?:\s+(?:and\s+)?[A-Z][\w-]*){0,3})?\s+(?:is|are|was|were)\s+"
    r"(?:now\s+|still\s+)?treating\s+$")
_TREATED_THERE_AFTER = re.compile(
    r"(?i)^(?:\s+[\w-]+){0,4}?\s+(?:are|were|is|was|have been|had been|has been)\s+(?:now\s+|still\s+)?(?:being\s+)?"
    r"treated\s+(?:(?P<there>there)\b|at\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,3}?(?:hospitals?|clinics?)\b)")
_HOSPITAL_WORD = re.compile(r"(?i)\bhospitals?\b")
_CARE_PLACE = re.compile(r"(?i)\b(?:hospitals?|clinics?|wards?|infirmar(?:y|ies)|medical cent(?:re|er)s?)\b")


def _in_hospital_care(sentence: str, before: str, after: str) -> str | None:
    """The words saying that the people a figure counts are in a hospital's care, or None."""
    if _ADMITTED_BEFORE.search(before):
        return "admitted"
    treating = _HOSPITAL_TREATING_BEFORE.search(before)
    if treating and (treating.group("who").lower() not in ("it", "they") or _HOSPITAL_WORD.search(sentence)):
        return treating.group().strip()
    treated = _TREATED_THERE_AFTER.match(after)
    if treated and (not treated.group("there") or _HOSPITAL_WORD.search(sentence)):
        return treated.group().strip()
    return None


# People told only by their coming or going, the verb right after them: "2,000 people are arriving each day", "some
# 2,300 people had crossed since Sunday", "Some 4,000, roughly half of them, have left since the market was hit",
# "14,500 people have now left the zone".
_MOVED_AFTER = re.compile(
    r"(?i)^\s*(?:,[^,.;]{1,40},\s*)?(?:have|has|had|are|were|is|was)\s+(?:(?:now|still|so far|already|since)\s+)*"
    r"(?P<verb>arrived|arriving|crossed|crossing|left)\b"
    # where to or when, not a building or an errand: "12 have left hospital", "arrived at the polling station" and
    # "left for the mines" are no displacement
    r"(?=\s*(?:[.,;]|$|since\b|each\b|every\b|so far\b|this\b|last\b|over\b|overnight\b|yesterday\b|today\b|"
    r"on\s+\w+day\b|in\s+(?:the\s+)?(?:past|last|first)\b|in\s+(?:the\s+)?(?-i:[A-Z])|into\s+(?:the\s+)?(?-i:[A-Z])|"
    r"from\b|across\b|by\s+(?:sea|boat|land|foot|road)\b|(?:their|its|his|her)\s+homes?\b|"
    r"(?:(?:in|into|at)\s+)?the\s+(?:[\w-]+\s+){0,2}?(?:zone|area|region|district|province|city|town|village|valley|"
    r"island|coast|country|countrie|capital|border|camp)s?\b))")
# What makes the people arriving refugees rather than people displaced in their own country.
_ABROAD_WORDS = re.compile(r"(?i)\b(?:borders?|crossings?|border points?|refugees?|asylum|by sea|by boat|UNHCR|"
                           r"refugee agency)\b")


def _metric_of_movement(sentence: str, after: str, noun: str | None, topic: str | None) -> MetricGuess | None:
    """Refugees or displaced people counted by the verb of their coming or going and nothing else: refugees when
    they crossed, or arrived where the sentence speaks of a border, the sea or refuge or the text is counting
    refugees; else displaced (leaving, "have left since the market was hit", whatever the topic)."""
    if noun is not None and noun not in PEOPLE_NOUNS:
        return None
    rest = after[counted_noun(after)[1]:] if noun else after
    moved = _MOVED_AFTER.match(rest)
    if moved is None:
        return None
    verb = moved.group("verb").lower()
    abroad = verb.startswith("cross") or (verb != "left" and (_ABROAD_WORDS.search(sentence) or topic == "refugees"))
    metric = "refugees" if abroad else "displaced"
    return MetricGuess(metric, _population(noun, rest), 0.6, f'"{moved.group().strip(" ,")}" ({metric})')


# The "cities" metric counts the places a protest reached: the sentence must speak of one.
_PROTEST_WORDS = re.compile(r"(?i)\b(?:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|march\w*|unrest|uprising|"
                            r"strikes?|strikers|riots?|rioting|vigils?|sit-ins?)\b")
_LOST_BEFORE = re.compile(r"(?i)\b(?:we|they|he|she|i|it|has|have|had)\s+(?:already\s+)?lost\s+$")
# A sentence that opens on the group its figures are part of: "Of those executed, ...", "Among those killed, ...".
_GROUP_OPENING = re.compile(r"(?i)^\s*(?:of|among)\s+(?:those|the people|the men|the prisoners)\s+"
                            r"(?P<outcome>executed|hanged|put to death|killed|sentenced to death|sentenced)\s*,")
# The stages of what happens to people in custody, first to last; a later one names the group better.
_STAGES = {"arrested": 0, "detained": 1, "charged": 2, "sentenced": 3, "sentenced_to_death": 4, "executed": 5,
           "killed": 5}
_WHEREABOUTS_OF = re.compile(r"(?i)\b(?:fate|whereabouts)\s+of\s+(?:at\s+least\s+|some\s+|about\s+)?$")
_STILL_HELD = re.compile(r"(?i)\b(?:are|is|remain|remains|were)\s+(?:still\s+)?(?:being\s+)?(?:held|in custody|in detention|"
                         r"behind bars|in prison|in jail|jailed)\b")
_DID_NOT_SURVIVE = re.compile(r"(?i)\b(?:did not|didn't|failed to|would not|could not) survive|\b(?:later|subsequently) died\b|"
                              r"\bdied (?:of|from) (?:their|his|her) (?:wounds|injuries)|\bsuccumbed\b|\bdead on arrival\b")
_TREATED_FOR_ILLNESS = re.compile(
    r"(?i)\bfor\s+(?:suspected\s+|acute\s+|severe\s+)?(?:measles|cholera|malaria|diarrho?ea\w*|"
    r"malnutrition|typhoid|dengue|diphtheria|disease|illness|infections?|respiratory\s+\w+|fever)\b")


def _guess_metric(sentence: str, span: FigureSpan, previous: tuple[FigureSpan, MetricGuess] | None,
                  topic: str | None) -> MetricGuess | None:
    before, after = _clause_words_around(sentence, span)
    noun, noun_end = counted_noun(after)
    rest = after[noun_end:] if noun else after
    population = _population(noun, rest)
    early = _metric_sentenced_or_part(before, after, rest, noun, population)
    if early is not None:
        return early
    if noun in METRIC_NOUNS and not _is_increment(sentence, before, after):
        return _metric_of_noun(noun, rest, population)
    allowed = PEOPLE_METRICS if noun in PEOPLE_NOUNS else THING_NOUNS.get(noun or "", PEOPLE_METRICS | THING_METRICS)
    unknown = _unknown_people_noun(after) if noun is None else None
    if unknown is not None:
        return _metric_of_unknown_people(before, after, unknown)
    if _counts_no_metric(sentence, before, after, noun) \
            or _condition_of_the_hurt(sentence, before, after, previous, topic):
        return None
    told = _metric_told_around(before, after, population, allowed) or _metric_put_at(before, population, allowed) \
        or _metric_of_modifier(before, after, noun, noun_end, population, allowed) \
        or _metric_of_death_toll(before, rest, noun, population, allowed)
    if told is not None:
        return told
    found = _metric_word_near(before, rest, allowed)
    between = sentence[previous[0].end : span.start] if previous else ""
    continues = previous is not None and bool(SUBSET_BEFORE.search(before) or SUBSET_AFTER.match(after)
                                              or (population is not None and SUBGROUP_PREDICATE.match(after))
                                              or (COUNTER_ESTIMATE.match(between) and re.match(r"\s*(?:[.;]|$)", after))
                                              or _coordinated(between, rest)
                                              or (STILL_THERE.match(after) and previous[1].metric in _STAYING)
                                              or (BREAKDOWN.match(between) and BY_PLACE.match(after)))
    if continues and previous is not None and (found is None or found[1] > 3):
        earlier = previous[1]
        return MetricGuess(earlier.metric, population or _population(None, after), 0.65,
                           f'continues the figure before it ("{previous[0].stated}", {earlier.metric})')
    if found is not None:
        return _metric_of_word(found, noun, population, allowed)
    if re.search(r"(?i)\bdeath toll\b", before) and "killed" in allowed:
        return MetricGuess("killed", population, 0.6, 'the clause speaks of the "death toll"')
    # "the number of displaced higher, at about 80,000": what the number is of, in its first three words
    counted = re.search(r"(?i)\b(?:number|total|count|tally) of ((?:[\w-]+ ){0,5}[\w-]+)", before)
    if counted:
        named = _nearest_metric_word("", counted.group(1), allowed)
        if named is not None:
            return MetricGuess(named[0], population, 0.6, f'"{counted.group()}"')
    # "for a total of 351": the figure's own words can point back
    return _metric_referred_to(f"{before} {span.stated}", after, rest, noun, population,
                               previous[1].metric if previous else topic, allowed)


def _metric_of_noun(noun: str, rest: str, population: str | None) -> MetricGuess:
    """What a metric noun after the number counts ("46 deaths"), unless the words after it say more."""
    if METRIC_NOUNS[noun] == "killed" and (or_missing := _OR_MISSING.match(rest)):
        # "289 deaths and disappearances", "120 dead or missing migrants": one number for both, not the dead alone
        return MetricGuess("dead_or_missing", population, 0.85, f'"{noun}{or_missing.group()}"')
    # "23 refugees ... have died": a verb after an adjective noun says what became of them; but not the verb of a
    # figure coordinated after it ("29 dead and around 70 unaccounted for": the 70 are unaccounted for)
    own = rest[: next_figure.start()] if (next_figure := _NEXT_COORDINATED_FIGURE.search(rest)) else rest
    verb = _nearest_metric_word("", _window_after(own), PEOPLE_METRICS) if noun in ADJECTIVE_METRIC_NOUNS else None
    if verb is not None and verb[0] != METRIC_NOUNS[noun] and verb[1] <= 4 \
            and not (noun == "refugees" and verb[0] == "displaced") \
            and verb[2].lower() not in METRIC_NOUNS and not verb[2].lower().startswith("bodies"):
        return MetricGuess(verb[0], population, 0.8, f'word "{verb[2]}" (after "{noun}")')
    return MetricGuess(METRIC_NOUNS[noun], population, 0.9, f'counted noun "{noun}"')


_OR_MISSING = re.compile(r"(?i)^\s+(?:and|or)\s+(?:disappearances|missing|disappeared|unaccounted for)\b")
_NEXT_COORDINATED_FIGURE = re.compile(
    rf"(?i)(?:,|\band\b|\bwhile\b|\bbut\b|\bwith\b)\s+(?:(?:about|around|some|nearly|almost|roughly|at least|more than|"
    rf"over|another|a further|up to)\s+)?{_NUMBER}")


# "2,300 people were moved into tents, and about 1,400 are still there": the part of them still where they were put.
STILL_THERE = re.compile(r"(?i)^\s+(?:(?:are|is|remain|remained|were|was)\s+(?:still\s+)?|still\s+)(?:there|here|inside|"
                         r"in (?:the|that|this|those|these) (?:camps?|shelters?|tents|halls?|schools?|cent(?:re|er)s?))\b")
_STAYING = frozenset({"displaced", "refugees", "hospitalised", "detained", "prisoners", "missing", "hunger_strikers"})


_DEATH_TOLL_SUBJECT = re.compile(r"(?i)\b(?P<toll>death toll|toll of (?:the )?dead|number of (?:the )?dead)\b[^;:]*$")


def _metric_of_death_toll(before: str, rest: str, noun: str | None, population: str | None,
                          allowed: frozenset[str]) -> MetricGuess | None:
    """ "The death toll from a quake that flattened villages rose to 318": the toll's number, whatever the clause
    between says, unless a word right after the number says otherwise."""
    toll = _DEATH_TOLL_SUBJECT.search(before)
    if toll is None or noun is not None or "killed" not in allowed:
        return None
    own = _nearest_metric_word("", _window_after(rest), allowed)
    if own is not None and own[1] <= 2:
        return None
    return MetricGuess("killed", population, 0.8, f'"{toll.group("toll")}" is what the number is of')


def _metric_of_modifier(before: str, after: str, noun: str | None, noun_end: int, population: str | None,
                        allowed: frozenset[str]) -> MetricGuess | None:
    """ "212 released detainees", "40 abducted students": a participle right before the people's noun says what
    happened to them."""
    if noun is None or noun not in PEOPLE_NOUNS:
        return None
    head = re.match(rf"(?i)^\s+(?P<word>[a-z-]+)\s+{re.escape(noun.split()[0])}\b", after)
    word = head.group("word").lower() if head else ""
    if word == "unaccompanied" and "separated" in allowed and not SUBSET_BEFORE.search(before):
        # children with neither parent ("including 340 unaccompanied children" stays part of the count before)
        return MetricGuess("separated", population, 0.8, f'"{word} {noun}"')
    if not re.fullmatch(r"[a-z-]+(?:ed|en)", word) or word.startswith("un") or word in UNIT_WORDS:
        return None
    for pattern, metric in METRIC_WORD_PATTERNS:
        if pattern.fullmatch(word) and metric in allowed:
            return MetricGuess(metric, population, 0.8, f'"{word} {noun}"')
    return None


def _metric_sentenced_or_part(before: str, after: str, rest: str, noun: str | None,
                              population: str | None) -> MetricGuess | None:
    if _SENTENCED.search(before) and _TO_DEATH.match(after):  # the two words sit either side of the number
        return MetricGuess("sentenced_to_death", population, 0.85, 'words "sentenced ... to death"')
    predicate = re.match(r"(?i)^\s*(?:were|was|are|is)\s+([a-z]+)", rest)
    if noun in METRIC_NOUNS and re.match(r"(?i)^\s*of\s+(?:the|these|those)\s", after) and predicate \
            and METRIC_NOUNS.get(predicate.group(1).lower(), METRIC_NOUNS[noun]) != METRIC_NOUNS[noun]:
        # "Nineteen of the deaths were suicides": part of a group, named by what it was
        return MetricGuess(METRIC_NOUNS[predicate.group(1).lower()], population, 0.8,
                           f'"{noun} were {predicate.group(1)}"')
    return None


def _metric_of_word(found: tuple[str, int, str], noun: str | None, population: str | None,
                    allowed: frozenset[str]) -> MetricGuess:
    metric, distance, word = found
    if word.lower() in CARE_WORDS and DEFAULT_METRIC_OF_NOUN.get(noun or "") in allowed:
        metric = DEFAULT_METRIC_OF_NOUN[noun or ""]
        return MetricGuess(metric, population, 0.7, f'counted noun "{noun}" ({metric}; "{word}" says only how)')
    return MetricGuess(metric, population, 0.85 if distance <= 3 else 0.7, f'word "{word}"')


# A plural noun for people the lexicon does not list ("19 cutters", "40 conscripts", "212 pensioners").
_PEOPLE_LIKE = re.compile(r"^\s*(?:[a-z-]+\s+){0,2}?(?P<noun>[a-z-]{3,}(?:ers|ors|ists|ians|men|women|ees|ants|ents|"
                          r"ites|ards|ren|folk))\b(?!\s+of\b)")
_NOT_PEOPLE_LIKE = frozenset(
    "meters metres kilometers kilometres liters litres quarters headquarters containers computers papers letters "
    "numbers towers rivers posters banners chapters centers orders borders corners waters shelters matters transfers "
    "barriers trailers tankers helicopters tractors generators sectors reactors motors floors doors factors errors "
    "dollars euros cents percents points events documents instruments incidents settlements apartments departments "
    "investments payments shipments statements treatments segments elements compartments governments parliaments "
    "tents plants grants rodents accidents arguments moments fragments consignments deployments warrants "
    "vendors editors blenders boilers cylinders filters layers markers players powers rounds sensors servers "
    "stickers timers tires tyres trackers wheelers liners lockers chambers members".split())


def _unknown_people_noun(after: str) -> tuple[str, int] | None:
    match = _PEOPLE_LIKE.match(after)
    if match is None or match.group("noun") in _NOT_PEOPLE_LIKE or match.group("noun") in PEOPLE_NOUNS:
        return None
    if any(w in _STOP_WORDS for w in after[: match.start("noun")].split()):
        return None
    return match.group("noun"), match.end()


def _metric_of_unknown_people(before: str, after: str, unknown: tuple[str, int]) -> MetricGuess | None:
    """ "killed 19 cutters", "40 conscripts were detained": an unknown plural noun for people counts them when a
    verb or phrase right next to it says what happened to them; otherwise nothing is proposed."""
    noun, end = unknown
    found = _metric_word_near(before, after[end:], PEOPLE_METRICS)
    if found is None or found[1] > 3:
        return None
    return MetricGuess(found[0], None, 0.6, f'word "{found[2]}" (counting "{noun}", a noun for people not in the lexicon)')


def _metric_put_at(before: str, population: str | None, allowed: frozenset[str]) -> MetricGuess | None:
    """ "puts the number of people still without a home at 38,000": what the number is of, however long."""
    put = PUT_NUMBER_AT.search(before)
    named = _nearest_metric_word("", put.group("what"), allowed) if put else None
    if put is not None and named is not None and named[2].lower() in PEOPLE_NOUNS:
        # "put the number of strikers injured at 50": what happened to the people named, after them, is what is counted
        what = put.group("what")
        later = _nearest_metric_word("", what[what.lower().find(named[2].lower()) + len(named[2]) :], allowed)
        named = later or named
    if put is not None and named is None:
        # "put the number of demonstrators at 15,000": people named by what they do
        people = counted_noun(" " + put.group("what"))[0]
        if people in PEOPLE_NOUN_METRICS and PEOPLE_NOUN_METRICS[people] in allowed:
            named = (PEOPLE_NOUN_METRICS[people], 0, people)
    if put is None or named is None:
        return None
    return MetricGuess(named[0], population, 0.75, f'"the {put.group("noun")} {_short(put.group("what"), 60)} at"')


_VOTED_BEFORE = re.compile(r"(?i)\b(?:voted|by a vote of|by a margin of|in a vote of)\s+(?:(?P<first>\d[\d,]*)\s+to\s+)?$")


def _metric_told_around(before: str, after: str, population: str | None,
                        allowed: frozenset[str]) -> MetricGuess | None:
    """A metric told by words on both sides of the number, which the nearest word alone would misread."""
    among = AMONG_THOSE.search(before)
    named = _nearest_metric_word(among.group("verb"), "", allowed) if among else None
    if among is not None and named is not None:
        # "Among those executed last week were four men convicted over the protests": what they are is before
        return MetricGuess(named[0], population, 0.8, f'"{among.group().strip()}"')
    if "killed" in allowed and re.search(r"(?i)\b(?:bod(?:y|ies)|remains) of\s+(?:[\w’'-]+\s+){0,4}$", before):
        # "found the bodies of a woman and her two children under the rubble": the dead, wherever they lay
        return MetricGuess("killed", population, 0.75, '"the bodies of"')
    if "killed" in allowed and re.search(r"(?i)\b(?:deaths|killings|murders) of\s+$", before):
        # "acknowledged the deaths of two protesters in custody": dead, wherever they died
        return MetricGuess("killed", population, 0.75, '"the deaths of"')
    if "hospitalised" in allowed and re.match(r"(?i)^\s*(?:(?:people|patients|others)\s+)?(?:are\s+|were\s+)?(?:still\s+)?"
                                              r"in (?:hospitals?|intensive care)\b", after):
        # "Casualties so far: 12 dead and 40 in hospital": where they are says what they are
        return MetricGuess("hospitalised", population, 0.75, '"in hospital"')
    sent = _SENT_BEFORE.search(before) if "hospitalised" in allowed else None
    if sent and _TO_A_HOSPITAL_AFTER.match(after):
        # "I have sent 58 workers to the regional hospital": where they were sent says what they are
        return MetricGuess("hospitalised", population, 0.75, f'"{sent.group().strip()} ... to hospital"')
    vote = _VOTED_BEFORE.search(before)
    if vote and "votes_in_favour" in allowed and (vote.group("first") or re.match(r"(?i)^\s*to\s+\d", after)):
        # "Parliament voted 212 to 97": the votes for, then the votes against
        return MetricGuess("votes_against" if vote.group("first") else "votes_in_favour", population, 0.75,
                           f'"{vote.group().strip()}"')
    taken = TAKEN_BEFORE.search(before)
    if "captured" in allowed and taken and re.match(r"(?i)^[^.;,]{0,40}?\bfrom (?:their|his|her)\s", after):
        # "gunmen seized 8 people from their homes": taken, not displaced
        return MetricGuess("captured", population, 0.75, f'"{taken.group().strip()} ... from their"')
    lost_people = re.match(r"(?i)^\s*(?:[\w-]+\s+)?(?:residents|people|villagers|men|women|children|members|inhabitants)\b",
                           after)
    if re.search(r"(?i)\blost\s+$", before) and (population is not None or lost_people):
        # "Pell Harbour lost 29 residents": people a place lost died ("lost their homes" counts no people)
        return MetricGuess("killed", population, 0.65, '"lost" people')
    sent_back = re.search(r"(?i)\b(?:returned|sent back|brought back|repatriated|deported back)\s+(?:some\s+|about\s+|"
                          r"around\s+|nearly\s+|more than\s+|at least\s+)?$", before)
    if "returned" in allowed and sent_back and re.match(
            r"(?i)^\s*(?:(?:[\w-]+\s+){0,2}?(?:people|migrants|refugees|asylum seekers|passengers|nationals|citizens)\s+)?"
            r"(?:back\s+)?to\s+(?:their|the|its|his|her|[A-Z])", after):
        # "patrols returned 14,200 people to their port of departure": people made to go back, not the missing or dead
        # the figure before them counted ("returned fire", "returned 12 bodies" name no place people were taken to)
        return MetricGuess("returned", population, 0.75, f'"{sent_back.group().strip()} ... to"')
    taken_out, place = RESCUE_BEFORE.search(before), RESCUE_AFTER.match(after)
    if "rescued" in allowed and taken_out and place:
        # "crews pulled forty-two survivors from the water", "lifted 87 people from rooftops"
        return MetricGuess("rescued", population, 0.75, f'"{taken_out.group().strip()}" ... "{place.group("place") or place.group("out")}"')
    return None


def _metric_word_near(before: str, rest: str, allowed: frozenset[str]) -> tuple[str, int, str] | None:
    found = _nearest_metric_word(_window_before(before), _window_after(rest), allowed)
    if re.search(r"(?i)\b(?:and|but|while)\s*$", before) and _VERB_AFTER.match(rest):
        # "23 people have died and 4,000 people have been evacuated": the second figure has its own verb
        own = _nearest_metric_word("", _window_after(rest), allowed)
        if own is not None and own[1] <= 4:
            return own
    superset = SUPERSET_AFTER.match(rest)
    if superset:  # "35 of those detained had been transferred": the verb after the group says what the 35 are
        own = _nearest_metric_word("", _window_after(rest[superset.end() :]), allowed)
        if own is not None and own[1] <= 3:
            return own
        # "released 30 of those arrested": with no verb after the group, the verb before says what the 30 are
        done = _nearest_metric_word(_window_before(before), "", allowed)
        if done is not None and done[1] <= 2:
            return done
    return found


def _coordinated(between: str, rest: str) -> bool:
    """Whether the words between two figures join them ("212 children and 168 women", "94 ... compared with 51")."""
    # the noun the figure before counts is no verb between the two ("45,200 displaced people in Ardo, 31,750 ...")
    noun, noun_end = counted_noun(between)
    return bool(COORDINATION.match(between)) and (
        not re.search(r"(?i)\b\w+ed\b", between[noun_end:] if noun else between)
        or bool(re.search(rf"(?i)compared|up from|down from|versus|{_HIGHER_OR_LOWER_THAN}", between))
    ) and not (_VERB_AFTER.match(rest) and not _REPORTED_FIGURE.match(rest))


# "up from 38 announced earlier": a participle saying where the earlier figure came from, not a new clause
_REPORTED_FIGURE = re.compile(r"(?i)\s+(?:announced|reported|given|recorded|published|released|stated|cited|issued)"
                              r"(?:\s+(?:earlier|previously|on\s+\w+day|on\s+\d{1,2}\s|last\s+\w+|in\s+\w+|by\s+))|"
                              # "up from the 30,000 we reported on 24 November", "the 350 it gave the UN": whose it was
                              r"\s+(?:we|it|they)\s+(?:had\s+|has\s+|have\s+)?(?:announced|reported|gave|recorded|published|"
                              r"released|issued|counted)\b")


BARE_SAID = re.compile(r"(?i)\b(?:say|says|said|estimate|estimates|estimated|count|counts|counted|believe|believes|"
                       r"put it at|puts it at)\s+\S+(?:\s+\S+){0,2}$")
_TOLLS = frozenset({"killed", "casualties", "dead_or_missing", "injured", "executed"})
# "Nine were under 18.", "two were women": who some of the people counted before were, and nothing else.
SUBGROUP_PREDICATE = re.compile(r"(?i)^\s*(?:of (?:them|those|these)\s+)?(?:were|was|are)\s+(?:also\s+)?(?:[\w-]+\s+){0,2}?"
                                r"[\w-]+\s*(?:[.;,]|\band\b|$)")
# "Among them were three women": the people named are part of what the text was counting.
AMONG_THEM_WERE = re.compile(r"(?i)^\W*(?:among (?:them|those|the dead|the victims)\s+(?:were|are|was|is)\s+(?:also\s+)?|"
                             r"of (?:these|those|them),\s+(?:(?:it|they|he|she) (?:says|said),\s+)?)")


# A number standing alone as how many there are: "there were more than 300.", "Now it is 35."
THERE_WERE = re.compile(r"(?i)\b(?:there (?:were|are|was|is|have been|had been)|(?:it|the number|the figure) (?:is|was))"
                        r"\s+(?:now\s+|still\s+|only\s+|just\s+)?(?:[\w,.-]+\s+){0,3}[\w,.-]+$")  # (and the figure)


# A sentence comparing the figure before with what it was: "That is up from 140", "This is higher than the 350 it".
_COMPARISON_OPENING = (r"(?:that|this|it)(?:\s+(?:is|was)|[’']s)\s+(?:(?:still|well|far|much|sharply)\s+)?"
                       r"(?:(?:up|down)\s+from|(?:higher|lower|greater|fewer|more|less)\s+than)")
_COMPARED_WITH_THE_FIGURE_BEFORE = re.compile(
    rf"(?i)^\s*{_COMPARISON_OPENING}(?:\s+(?:the|its|their))?\s+\S+(?:\s+\S+){{0,2}}$")  # (and the figure)


def _metric_referred_to(before: str, after: str, rest: str, noun: str | None, population: str | None,
                        referent: str | None, allowed: frozenset[str]) -> MetricGuess | None:
    """A metric from words pointing back ("the toll", "37 of them") or from what the people counted are."""
    compared = _COMPARED_WITH_THE_FIGURE_BEFORE.match(before)
    if compared and referent is not None and referent in allowed:
        # "212 people are now in detention. That is up from 140 in this morning's briefing.": the figure it was
        # before counts the same
        return MetricGuess(referent, population, 0.55, f'"{compared.group().strip()}" compares with {referent}')
    anaphor = ANAPHORIC_COUNT.search(before)
    if anaphor and anaphor.group().lower() == "toll" and referent not in _TOLLS and "killed" in allowed:
        # "forced some 58,000 from their homes; its earlier toll had been 97": a toll counts the dead
        return MetricGuess("killed", population, 0.55, '"toll" counts the dead')
    if anaphor and referent is not None and referent in allowed:
        return MetricGuess(referent, population, 0.5, f'"{anaphor.group()}" refers back to {referent}')
    subset = SUBSET_AFTER.match(after) or AMONG_THEM_WERE.search(before)
    if subset and referent is not None and referent in allowed:
        # "At least 37 of them are minors, the group said": part of what the text was counting
        return MetricGuess(referent, population or _population(None, after), 0.55,
                           f'"{subset.group().strip()}" refers back to {referent}')
    if noun is None and referent is not None and referent in allowed and population is not None \
            and SUBGROUP_PREDICATE.match(after):
        # "Nine were under 18.", "and two were women": a part of what the text was counting, named by who they were
        return MetricGuess(referent, population, 0.5, f'a part of the {referent} counted before ("{after.strip()[:30]}")')
    if noun is None and referent is not None and referent in allowed and BARE_SAID.search(before) \
            and re.match(r"\s*(?:[;,.]|$)", after):
        # "Nobody knows how many died. Local officials say 31; the families' association says 47."
        return MetricGuess(referent, population, 0.5, f'a bare number said of what the text was counting ({referent})')
    there = THERE_WERE.search(before)
    if noun is None and referent is not None and referent in allowed and there and re.match(r"\s*(?:[;,.]|$)", after):
        # "On the busiest night there were more than 300.", "Now it is 35.": how many of what the text was counting
        return MetricGuess(referent, population, 0.5, f'"{there.group().strip()}", a bare number of {referent}')
    if noun == "names" and referent is not None and referent in allowed:
        return MetricGuess(referent, population, 0.45, f'"{noun}": a list of the people the text counts ({referent})')
    moved, where = _MOVED_BEFORE.search(before), _FROM_TO.match(rest)
    if noun in ("inmates", "prisoners", "detainees") and moved and where and "transferred" in allowed:
        # "guards moved about 300 inmates from Koltan to a former army barracks": prisoners taken elsewhere
        words = " ".join(f"{moved.group()} {noun} {where.group()}".split())
        return MetricGuess("transferred", population, 0.7, f'"{words}"')
    if noun in DEFAULT_METRIC_OF_NOUN and not _VERB_AFTER.match(rest):
        # "600 political prisoners identified by ...", "thousands of protesters": what the people are
        metric = DEFAULT_METRIC_OF_NOUN[noun]
        return MetricGuess(metric, population, 0.5, f'counted noun "{noun}" ({metric}, no verb says otherwise)')
    return None


# Prisoners taken from one place to another: "moved about 300 inmates from Koltan to ...", "bussed 40 detainees to".
_MOVED_BEFORE = re.compile(r"(?i)\b(?:moved|moves|moving|transported|bussed|relocated|shifted)\s+(?:\S+\s+){0,3}?\S+\s*$")
_FROM_TO = re.compile(r"(?i)^\s+(?:from|to|out of)\b")


# Part of a group told by its condition, with no verb of its own: not a claim of its own.
GROUP_FIRST = re.compile(r"[\"“‘']?\s*(?:Of|Among)\s+(?:the|those)\s")
# "in a serious condition", "in critical but stable condition"
_IN_CONDITION = r"in (?:a |an )?(?:serious|critical|stable|grave|life-threatening|very serious)(?: but stable)? conditions?"
# "Of the 40 people injured, 12 were in critical condition": how some of them are, after the group.
IN_A_CONDITION = re.compile(
    rf"(?i)^\s*(?:are|were|is|was|remain|remained)\s+(?:still\s+)?(?:{_IN_CONDITION}|seriously|critically|gravely)\b")
# How some of the hurt are, how they were hurt or what care they needed: "three of them in a serious condition",
# "19 of them by gunshots", "31 of them needed surgery", "85 of them in intensive care", "several with head wounds".
CONDITION_SUBSET = re.compile(
    r"(?i)^\s*(?:of (?:them|those|whom|these)\s+)?(?:(?:are|were|is|was|remain|remained)\s+(?:still\s+)?)?"
    rf"(?:{_IN_CONDITION}|in intensive care|in (?:the )?(?:ICU|intensive care units?)|"
    r"seriously|critically|badly|gravely|severely|"
    r"with (?:[\w-]+\s+){0,2}?(?:injuries|wounds|burns|fractures)|"
    r"(?:by|from|with) (?:gunshots?|gunfire|bullets|live (?:ammunition|fire|rounds)|rubber bullets|shrapnel|"
    r"stab wounds|knives|tear gas(?: canisters)?)|"
    r"(?:needed|need|needing|required|require|requiring|underwent|undergoing|had|have)\s+(?:emergency\s+|urgent\s+)?"
    r"(?:surgery|operations|amputations))\s*(?:[.,;]|\s+and\b|$)")
# "1,280 buildings were damaged, 96 of them beyond repair": how badly some of the damaged are, no new count.
DAMAGE_SUBSET = re.compile(r"(?i)^\s*of (?:them|those|these)\s+(?:(?:are|were)\s+)?beyond repair\s*(?:[.,;]|\s+and\b|$)")


def _condition_of_the_hurt(sentence: str, before: str, after: str, previous: tuple[FigureSpan, MetricGuess] | None,
                           topic: str | None) -> bool:
    """ "41 people with injuries, three of them in a serious condition": how some of the hurt are, no new count
    ("38 brought out alive, seven of them with serious injuries" is one: the seven are the injured). Without "of
    them" the part must follow the whole at once ("bandaged about 60 people, several with head wounds"), and a
    sentence that opens on the part ("Twenty-two of them are in intensive care") continues the count before it."""
    hurt = ("injured", "hospitalised", "casualties")
    if previous is None:
        return topic in hurt and not before.strip() and SUBSET_AFTER.match(after) is not None \
            and CONDITION_SUBSET.match(after) is not None
    if previous[1].metric == "damaged":
        return DAMAGE_SUBSET.match(after) is not None
    if previous[1].metric not in hurt:
        return False
    subset = CONDITION_SUBSET.match(after)
    return bool((subset and (SUBSET_AFTER.match(after) or re.search(r",\s*$", before)))
                or (IN_A_CONDITION.match(after) and GROUP_FIRST.match(sentence)))


# "had put the toll at 241 late Monday", "up from 54,000 two weeks ago": when, not what the number counts
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_TIME_AFTER = re.compile(
    rf"(?i)^\s*(?:(?:(?:late|early)\s+(?:on\s+)?|on\s+)?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?|"
    # "on 21 October", "on October 21"
    r"on\s+(?:\d{1,2}\s+(?-i:[A-Z])[a-z]+|(?-i:[A-Z])[a-z]+\s+\d{1,2})|yesterday|today|tonight|overnight|"
    rf"(?:last|this|that|the previous|the next)\s+(?:week|month|year|night|morning|evening|{_WEEKDAY})|"
    rf"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|\d+)\s+(?:days?|weeks?|months?|years?|hours?)"
    r"\s+(?:ago|earlier|before|previously)|a (?:fortnight|week|month|year) (?:ago|earlier|before)|earlier|previously)\b")


def _counts_no_metric(sentence: str, before: str, after: str, noun: str | None) -> bool:
    """Whether the words around a figure show it is not a claim about any metric."""
    put = PUT_NUMBER_AT.search(before)
    if noun in NOT_PEOPLE_NOUNS or (put and re.search(r"(?i)\b(?:families|households)\b", put.group("what"))):
        return True  # "dozens of families", "put the number of affected families at 310": no people metric counts them
    if noun == "cases" and re.match(r"(?i)^\s*(?:[\w-]+\s+){1,3}cases\b", after):
        return True  # "1,120 suspected cholera cases": cases of a disease, which no metric counts
    first = _first_word(_TIME_AFTER.sub("", after, count=1))
    if noun is None and first and first not in _STOP_WORDS and not SUBSET_AFTER.match(after) \
            and not re.match(r"\s*,", after) and not _metric_word_starts(re.sub(r"(?i)^\s*\w+ly\s+", "", after)) \
            and first not in ("had", "were", "have", "are") and not _REPORTED_FIGURE.match(after):
        return True  # "three Kalden prisons", "18 teams": something no metric counts
    if METHOD.search(before):
        return True  # "interviewed 34 people, including two former detainees": how, not what happened
    if re.search(r"(?i)\bsince (?:its|their|our) (?:founding|foundation|creation|establishment|inception)\b", sentence):
        return True  # "Since its founding in 1998, TCHR has documented 9,000 cases": the issuer's history
    return _is_increment(sentence, before, after)


def _is_increment(sentence: str, before: str, after: str) -> bool:
    """"27 more bodies ..., bringing the toll to 163": the total is the claim, not the step to it."""
    if re.match(r"(?i)^\s*(?:more|additional|extra)\b", after) and INCREMENT.search(sentence):
        return True
    # "Divers pulled another 14 bodies from the hull ..., bringing the number of confirmed dead to 58": a step
    # whose clause runs into the total, with no other figure between
    step = re.match(r"(?i)^[^;.]{0,120}?,\s*(?:bringing|raising|taking|pushing)\s+(?:the|its|their)\s+"
                    r"(?:[\w-]+\s+){0,4}?(?:toll|number|total|count|tally|figure)\b[^;.]{0,60}?\bto\s+", after)
    # (a count over a period, "Since 12 June, 38,000 refugees have crossed, bringing the total to 210,000",
    # is a claim of its own: only a step of a day is an increment)
    if step is None or find_figures(after[: step.end()]):
        return False
    return bool(re.search(r"(?i)\b(?:another|a further)\s+$", before) or re.search(
        r"(?i)\b(?:on\s+\w+day|overnight|today|yesterday|this (?:morning|afternoon|evening))\b", after[: step.end()]))


def _window_before(before: str) -> str:
    """The words before a number that can say what it counts: back to the last comma, at most 8."""
    tail = re.split(r",\s|\b(?:that|which|who|whom)\b", before)[-1]
    return " ".join(tail.split()[-8:])


_FINITE = r"(?:are|were|is|was|have|has|had|remain|remained)"
_SUBSET_ASIDE = re.compile(
    r"(?i)^\s*,\s*(?:among them|among whom|including|of whom|incl\.|(?:most|many|some|all|several|half|nearly all)\s+of\s+"
    r"them)[^,;.]{1,60},")


def _window_after(after: str) -> str:
    """The words after the counted noun: to the next comma or attribution, at most 8."""
    after = SUBSET_AFTER.sub("", after)
    # "at least 19 were minors at the time of their arrest": when they were minors, not what happened to them
    after = re.sub(r"(?i)\s+at the time of (?:their|his|her|the) (?:arrest|detention|death|abduction|disappearance)\b",
                   "", after)
    # "At least 90 of them, the association says, have since been charged": past the speech aside to the verb
    after = re.sub(r"(?i)^\s*,\s*(?:[\w’'-]+\s+){0,5}?(?:says|said|say|adds|added|believes|believe|thinks|estimates)\s*,",
                   " ", after, count=1)
    # "at least 23 have told our colleagues they were subjected to electric shocks": what the people counted said
    # of themselves
    after = re.sub(r"(?i)^\s*(?:(?:have|has|had)\s+)?(?:told|said to)\s+(?:[\w’'-]+\s+){1,4}?(?:that\s+)?(?:they|he|she)\s+"
                   r"(?=(?:were|was|had|have)\b)", " ", after, count=1)
    # "11 of its 94 candidates are among those detained": the group's size is no part of what is said of them
    after = re.sub(rf"(?i)^\s*of\s+(?:its|their|the|his|her|our)\s+{_NUMBER}\s+", " ", after)
    # "58 civilians, among them 12 children, were killed": the verb is past the aside
    after = _SUBSET_ASIDE.sub("", after, count=1)
    # "three people, the dam's operator and two of its engineers, have been arrested": past who they are to the verb
    after = re.sub(r"(?i)^(\s*(?:[a-z-]+\s+){0,2}?[a-z-]+)?\s*,\s*(?:the|a|an|his|her|their|its)\s[^,;.]{1,60},"
                   r"(?=\s*(?:have|has|had|were|was|are|is)\b)", r"\1", after, count=1)
    # "... sees 300 patients a day and has recorded 27 deaths": a second verb phrase says nothing of the first figure
    # ("the 340 men the bar association says were detained": the verb after "says" is the men's)
    head = re.split(r"(?i),|\bincluding\b|\b(?:said|says|told|according to|identified by|reported by)\b"
                    r"(?!\s+(?:are|were|is|was|have|has|had)\b)|"
                    r"\band\s+(?:has|have|had)\s+(?!been\b)(?:also\s+)?\w+ed\b", after)[0]
    # "120 prisoners in three Kalden prisons are on hunger strike": skip the place to reach the verb
    head = re.sub(r"(?i)^\s*(?:in|at|from|across|near|inside|outside)\s+(?:\S+\s+){0,5}?(?=(?:are|were|is|was|have|had|remain|remained)\b)", "", head)
    # "Nine inmates identified as organisers of the disturbances have been charged": past what they were taken for
    head = re.sub(r"(?i)^\s*(?:identified|described|named|listed|designated|classed)\s+as\s+(?:\S+\s+){1,6}?"
                  r"(?=(?:are|were|is|was|have|has|had)\b)", "", head)
    # "19 fishermen who went out before the warning are still missing": past the relative clause to the verb
    head = re.sub(r"(?i)^\s*who\s+(?:\S+\s+){1,8}?(?=(?:are|were|is|was|have|has|had|remain|remained)\b)", "", head)
    # "residents whose homes were destroyed are accommodated ...": the relative clause has its own verb first
    head = re.sub(rf"(?i)^\s*whose\s+(?:\S+\s+){{1,3}}?{_FINITE}\s+(?:\S+\s+){{1,6}}?(?={_FINITE}\b)", "", head)
    return " ".join(head.split()[:8])


def _metric_word_starts(after: str) -> bool:
    head = after.strip(" \"“”‘’'")[:40]
    return any(p.match(head) for p, _ in METRIC_WORD_PATTERNS)


def _nearest_metric_word(before: str, after: str, allowed: frozenset[str]) -> tuple[str, int, str] | None:
    best: tuple[str, int, str] | None = None
    best_forward = False
    for text, forward in ((after, True), (before, False)):
        for pattern, metric in METRIC_WORD_PATTERNS:
            if metric not in allowed:
                continue
            for match in pattern.finditer(text):
                if not forward and match.group().lower() == "against":
                    continue  # "82 in favour to 30 against" counts votes; "63 released, against 88 detained" compares
                distance = len((text[: match.start()] if forward else text[match.end() :]).split())
                better = best is None or distance < best[1] or (
                    distance == best[1] and (forward, len(match.group())) > (best_forward, len(best[2])))
                if better:
                    best, best_forward = (metric, distance, match.group()), forward
    return best


def _population(noun: str | None, after: str) -> str | None:
    if noun is not None and PEOPLE_NOUNS.get(noun):
        return PEOPLE_NOUNS[noun]
    nearby = after[:60]
    following = FIGURE_PATTERN.search(nearby)
    if following and not AGE_LIMIT.match(following.group().strip()):
        # "612 people since the election, 47 of them minors": the minors are the 47 ("under 18" is no figure)
        nearby = nearby[: following.start()]
    if re.search(r"(?i)\b(?:under (?:the age of )?18|minors?|under-18s?|juvenile offenders?)\b", nearby):
        return "children"
    match = re.match(r"(?i)^\s*(?:of (?:those|them|whom|these)\s+\w+\s+)?(?:were|was|are)\s+(\w+(?: \w+)?)", after)
    if match:
        for size in (2, 1):
            phrase = " ".join(match.group(1).lower().split()[:size])
            if PEOPLE_NOUNS.get(phrase):
                return PEOPLE_NOUNS[phrase]
    return None


_CLAUSE_BREAK = re.compile(r"(?i);|(?<!\d):(?!\d)|\s[—–]\s|,\s(?:and|but|while|whereas|although|though)\s|\bwhile\b|\bwhereas\b|\(|\)")


def _clause_around(sentence: str, start: int, end: int) -> tuple[int, int]:
    clause_start, clause_end = 0, len(sentence)
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.end() <= start:
            clause_start = match.end()
        elif match.start() >= end:
            clause_end = match.start()
            break
    return clause_start, clause_end

# --------------------------------------------------------------------------------------------
# Who says it
# --------------------------------------------------------------------------------------------

_CUE_VERBS = (
    r"said|says|say|stated|states|reported|reports|report|announced|announces|estimated|estimates|estimate|"
    r"determined|found|finds|documented|documents|confirmed|confirms|confirm|recorded|records|counted|counts|claimed|claims|"
    r"noted|notes|indicated|indicates|added|adds|told|tells|tell us|put|puts|putting|wrote|writes|tallied|verified|alleged|"
    r"alleges|insisted|insists|acknowledged|acknowledges|concluded|revealed|reveals|showed|show|shows|gave|gives|"
    r"cited|declared|stressed|registered|listed|lists|logged|believes|believe|believed(?!\s+to\b)|assessed|announce|acknowledge|admitted|admits|"
    r"warned|warns|cautioned|disclosed|informed|informs|recognises|recognizes|recognised|recognized|"
    # a statement put out online or to the press, a monitor's running count, a fear voiced: "tweeted that", "posted on
    # X that", "briefed reporters that", "IOM tracked 4,000", "the agency fears 40 have died"
    r"tweeted|tweets|posted(?!\s+by\b)|posts|briefed|fears|feared(?!\s+to\b)|"
    r"tracked(?!\s+down)|tracks(?!\s+down)|"
    r"quoted|calculated|compiled|tallies|stands|stood|put|saying|claiming|adding|noting|estimating|claim|"
    # "CPJ called on the authorities to free the 19 journalists still held": the appeal states the figure
    r"called on|calls on|called for|calls for|urged|urges|demanded|demands|appealed|"
    # how a feature's witness tells it: "she recalls", "he remembers", "she explains"
    r"recalls|recalled|remembers|remembered|explains|explained|describes|described|recounts|recounted|"
    # a broadcaster or agency reporting now: "State broadcaster CTV, citing the health ministry, is now reporting 34 dead"
    r"(?:is|are)\s+(?:now\s+|also\s+)?reporting"
)
# (and a modal: "The Service can confirm that", "the ministry would confirm only that")
_AUXILIARY = (r"(?:(?:has|have|had|also|now|since|earlier|later|previously|initially|so far|then|already|just|"
              r"separately|first|only|can|could|would|will|\w+ly)\s+)*")
SUBJECT_CUE = re.compile(rf"(?i)\s{_AUXILIARY}\b(?P<verb>{_CUE_VERBS})\b")
# "The agency raised its toll to 54": a revision names who counts, like a speech verb; so does giving out one's own
# count ("The Helsinki Committee has just published its tally: at least nine ...", "The minister has given his first
# figures on state TV: 780 detained").
REVISION_CUE = re.compile(
    rf"(?i)\s{_AUXILIARY}\b(?P<verb>raised|revised|lowered|updated|increased|corrected|amended|published|given|released|"
    r"issued|posted|shared)(?=\s+(?:its|their|the|his|her)\s+(?:[\w-]+\s+){0,2}"
    r"(?:tolls?|numbers?|counts?|figures?|estimates?|tally|tallies|data)\b"
    # "In a written answer in June, it raised that to 131": the figure the sentence before gave
    r"|\s+(?:that|it|this)\s+to\b)")
_PARTICIPLE = re.compile(
    r"(?i)(?:compiled|collected|published|released|issued|cited|quoted|documented|recorded|gathered|based|reported|"
    r"confirmed|verified|listed|logged|registered|counted|estimated|found|determined|put)$"
)
PARTICIPIAL_SPEECH = frozenset({"saying", "adding", "noting", "claiming", "estimating"})
_PASSIVE = re.compile(r"(?i)\b(?:was|were|is|are|been|be|being)\s+"
                      r"(?:(?:\w+ly|later|also|then|since|never|still|not|all|both|each|soon|first|again|now)\s+){0,2}$")
ACCORDING_TO = re.compile(r"(?i)\baccording to\s+")
# How something was said, after "by": "confirmed by email", "said by phone", "by text message"; the means names no one.
# ("by post" is left out: "reported by the Post" names a newspaper)
_MEANS_OF_SAYING = (r"(?i:(?:an?\s+)?(?:written\s+|short\s+)?(?:e-?mail|phone|telephone|letter|text(?:\s+message)?|fax|"
                    r"SMS|video\s?link|(?:WhatsApp\s+)?message)s?\b)")
AGENT_CUE = re.compile(
    r"(?i)\b(?:reports?|statements?|tally|tallies|count|counts|figures?|data|estimates?|surveys?|study|studies|findings|"
    r"records|assessments?|analys[ie]s|"
    r"claims?|allegations?|assertions?|"
    r"documentation|list|monitoring|identified|documented|recorded|verified|confirmed|cited|compiled|collected|"
    r"released|published|issued|gathered|acknowledged|admitted|announced|reported|given|claimed|provided|disclosed|"
    r"listed as [\w-]+|registered as [\w-]+|recorded as [\w-]+|"
    # "Nineteen people were reported killed by the district council", "40 men were reported missing by their
    # families": who reports them (not who killed them: "reported killed by security forces"; and "tracing requests
    # for 3,400 people reported missing by their families" are the speaker's, describing the people)
    r"(?:(?<=were )|(?<=was )|(?<=are )|(?<=is )|(?<=been ))(?:reported|confirmed|declared|listed|registered|recorded)\s+(?:as\s+)?(?:killed|dead|missing|injured|wounded|"
    r"detained|arrested|displaced|disappeared)(?=\s+by\s+(?!(?:the\s+|their\s+)?(?:[\w’'-]+\s+){0,2}?(?:forces|troops|"
    r"soldiers|army|police|militants?|gunmen|rebels|fighters|militias?|security|air\s?strikes?|shelling|snipers?|bomb|"
    r"bombs|bombing|shells?|guards|officers|mobs?|attackers)\b)))\s+"
    # "the tally kept by the association", "a list drawn up by families": whoever keeps it
    # ("Reports spread by enemy propaganda channels that ...", "the claim made by the front": who claims it)
    r"(?:(?:kept|maintained|drawn up|put together|prepared|produced|shared|seen|spread|circulated|made)\s+)?(?:by|from)\s+"
    # ("confirmed by email", "told by telephone": how it was said, not who said it)
    rf"(?!{_MEANS_OF_SAYING})"
    # ("released from custody": where from, not who says so)
    r"(?!(?:the\s+|their\s+|his\s+|her\s+)?(?:custody|prisons?|jails?|detention|captivity|hospitals?)\b"
    r"(?!\s+(?:service|authorit\w*|administration|director\w*|staff|officials?|department|guards?)))"
    # ("recorded by 3 March", "reported by Friday", "published by the end of May": a deadline, not who keeps it)
    rf"(?!\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![\w’'])|(?:(?:mid|late|early)[\s-]?)?{_WEEKDAY}\b|"
    r"(?:(?:mid|late|early)[\s-]?)?(?:January|February|March|April|June|July|August|September|October|November|"
    r"December)\b|(?:the\s+)?(?:end|middle|start|beginning)\s+of\b|(?:today|tonight|yesterday|noon|midnight)\b)"
    # "by the reckoning of the camp administration", "on the count of": whoever keeps the count
    r"|\b(?:by|on|in)\s+(?:the\s+)?(?:own\s+)?(?:reckoning|count|tally|calculations?|estimates?|figures?|"
    r"records?|account)\s+(?:of|kept by)\s+"
    # "reports in foreign media that 11 died"
    r"|\b(?:reports?|claims?|rumou?rs?|posts?)\s+(?:circulating\s+)?(?:in|on)\s+"
    r"(?=(?:the\s+)?(?:[\w-]+\s+){0,2}(?:media|press|newspapers?|outlets|social networks?|networks)\b)"
)
_REPORT_ADJECTIVE = (r"(?:own|latest|official|new|final|initial|preliminary|previous|updated|revised|annual|monthly|"
                     r"most recent|recent|current|"
                     r"weekly|internal)")
_REPORT_ADJECTIVES = re.compile(rf"(?i)^(?:{_REPORT_ADJECTIVE}\s+)+")
POSSESSIVE_CUE = re.compile(
    rf"(?i)(?:[’']s|(?<=s)[’'])\s+(?:{_REPORT_ADJECTIVE}\s+)*(?:statement|statements|"
    r"report|reports|count|tally|figures?|data|estimates?|toll|death toll|"
    r"records|list|findings|documentation|numbers|survey|analysis|assessment|monitors|research|investigation|"
    r"bulletins?|updates?|reviews?|logs?|registers?|ledgers?|database|registration|headcounts?|census)\b"
)
_REPORT_NOUNS = re.compile(
    r"(?i)^(?:statements?|reports?|count|tally|figures?|data|estimates?|toll|death toll|records|list|findings|"
    r"documentation|numbers|survey|analysis|assessment|monitors|research|investigation|bulletins?|updates?|reviews?|"
    r"logs?|registers?|ledgers?|database|registration|headcounts?|census|notebooks?|diary|diaries|notes|files|"
    r"spreadsheets?|lists|totals?)$"
)
_ROLE_NOUNS = re.compile(
    r"(?i)\b(?:spokesman|spokeswoman|spokesperson|director|deputy director|head|chief|president|chair|chairman|"
    r"chairwoman|secretary|secretary-general|ambassador|envoy|minister|representative|official|officials|"
    r"researcher|coordinator|country director|commissioner|governor|mayor|leader|member)\b"
)
_SOURCE_NOUNS = re.compile(
    r"(?i)\b(?:officials?|lawyers?|witness(?:es)?|residents|families|relatives|doctors|activists|police|spokes\w+|"
    r"sources|medics|nurses|staff|workers|officers|monitors|observers|researchers|journalists|reporters|diplomats)\b"
)
# One person at a place that is described rather than named ("a doctor at the district hospital", "a nurse at
# Dorm's only hospital") speaks for themselves; "a doctor at Al-Noor hospital" is left to the named hospital.
_ONE_SPEAKER = re.compile(
    r"(?i)\b(?:doctor|nurse|medic|surgeon|source|resident|rescuer|volunteer|worker|officer|researcher|"
    r"journalist|reporter|diplomat|activist|witness)$")
# "a spokesman for the provincial prosecutor", "officials at the Ministry of Health": the body speaks.
_SPEAKS_FOR = re.compile(
    r"(?i)^(?:(?:a|an|the|two|three|several|one)\s+)?(?:senior\s+|deputy\s+)?(?:spokes(?:man|woman|person)|"
    r"representatives?|officials?|directors?|heads?|chiefs?|advis[eo]rs?|members?|press officers?)\s+"
    r"(?:for|of|at|from)\s+(?P<body>.+)$")
# A named body's people speak for it as its officials do: "Doctors at St Anne's hospital", "Staff at Marn's central
# hospital", "two justice ministry officials", "An AFP correspondent" (people at a body described rather than named,
# "medics at a field clinic", "hospital officials", speak for themselves).
_STAFF_DETERMINER = r"^(?:(?:a|an|the|two|three|several|one|some)\s+)?"
_PRESS_STAFF = r"correspondents?|photographers?|reporters?"
_STAFF_OF = re.compile(
    rf"{_STAFF_DETERMINER}(?:senior\s+)?(?:staff|doctors|medics|nurses|surgeons|{_PRESS_STAFF})\s+(?:at|of|from|with)\s+"
    r"(?P<body>(?:the\s+)?(?-i:[A-Z]).+)$", re.IGNORECASE)
_STAFF_AFTER = re.compile(
    rf"{_STAFF_DETERMINER}(?P<body>(?:[\w’'&.-]+\s+){{0,3}}?(?:(?-i:[A-Z]{{2,}}[a-z]?)|ministry|"
    rf"department|directorate|agency|police|army|commission))\s+(?:senior\s+)?(?:officials|staff|{_PRESS_STAFF})$", re.IGNORECASE)
PRONOUNS = {"it", "they", "he", "she", "we", "this", "its", "their"}
PERSON_ROLES = frozenset(
    "director spokesman spokeswoman spokesperson minister governor mayor commander chief doctor surgeon nurse "
    "official officer lawyer witness prosecutor judge manager coordinator head chairman chairwoman president "
    "secretary representative envoy superintendent inspector".split())
# "The previous flash update reported 34 deaths": an earlier edition of the same update speaks in its voice.
REPORTED_IN_EARLIER_EDITION = re.compile(
    r"(?i)^\s+(?:(?:people|deaths|dead)\s+)?(?:reported|given|announced|published|recorded)\s+in\s+(?:the\s+|our\s+)?"
    r"(?:(?:previous|last|earlier|first)\s+)?(?:flash\s+update|situation\s+report|sitrep|update|bulletin)"
    r"(?:\s+(?:no\.?|number|#)\s*\d+)?")
EARLIER_EDITION = re.compile(
    r"(?i)^(?:the|our|this)\s+(?:previous|last|latest|earlier|first|initial)\s+(?:flash\s+|situation\s+)?"
    r"(?:update|bulletin|report|briefing|sitrep)$")
_UN = r"(?:UN|U\.N\.|United Nations)(?:[’']s?)?"
UN_DESCRIBED = {
    "refugee agency": ("UN Refugee Agency", "UNHCR"),
    "children's agency": ("UN Children's Fund", "UNICEF"), "children's fund": ("UN Children's Fund", "UNICEF"),
    "migration agency": ("International Organization for Migration", "IOM"),
    "humanitarian office": ("UN Office for the Coordination of Humanitarian Affairs", "OCHA"),
    "humanitarian agency": ("UN Office for the Coordination of Humanitarian Affairs", "OCHA"),
    "food agency": ("World Food Programme", "WFP"), "health agency": ("World Health Organization", "WHO"),
}
UN_DESCRIPTION = re.compile(rf"(?i)^(?:the\s+)?{_UN}\s+(?P<what>refugee agency|children[’']s (?:agency|fund)|"
                            r"migration agency|humanitarian (?:office|agency)|food agency|health agency)$")
# A pronoun followed only by auxiliaries or a negation up to the cue verb: "we have not (found)", "I did not
# (count)", "they had (never) (counted)": words of a clause, which name no one.
_PRONOUN_AUXILIARY = re.compile(
    r"(?i)(?:^|\s)(?:I|we|you|they|he|she|it)(?:\s+(?:have|has|had|do|does|did|am|is|are|was|were|will|would|shall|"
    r"should|can|could|may|might|must|not|never|still|yet|ever|n[’']t|[a-z]+n[’']t))+$")
_INDEFINITE_PRONOUN = re.compile(r"(?i)(?:some|any|every|no)(?:one|body)|no one")
_TIME_PHRASE = re.compile(rf"(?i)^(?:the\s+)?(?:(?:early|late|mid)\s+)?(?:evening|morning|afternoon|night|noon|midday|midnight|"
                          rf"dawn|nightfall|sunset|sunrise|then|now|{_WEEKDAY}|{_MONTH}|the end of (?:the )?\w+)$")
# Data nobody is named as holding: "according to preliminary data", "initial figures show".
UNOWNED_DATA = re.compile(r"(?i)^(?:the\s+)?(?:(?:preliminary|initial|provisional|early|first|latest|available|updated|"
                          r"partial)\s+)+(?:data|figures|information|estimates|results|counts?|assessments?)$")
PLACE_AFTER_BODY = re.compile(r"^(?P<body>(?:[Tt]he\s+)?(?:(?:[a-z-]+|Local|Regional|Provincial|District)\s+)?"
                              r"(?:[Aa]uthorities|[Pp]olice|[Oo]fficials))\s+in\s+"
                              r"(?:the\s+)?[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?$")
COUNT_SUBJECT = re.compile(
    r"(?i)^(?:the\s+)?(?:[\w-]+\s+)?(?:number|toll|total|figure|tally|count)(?:\s+(?:of|for)\s+[\w\s-]+)?$")
# "we", "our teams", and what the speaker holds: "according to information we have received".
FIRST_PERSON_SOURCE = re.compile(
    r"(?i)^(?:we|us|i|me|our\s+[\w -]+|(?:the\s+)?(?:information|reports?|data|figures|evidence|accounts|testimon(?:y|ies))"
    r"\s+(?:that\s+)?(?:we|our\s+\w+)\b.*"
    # "information gathered by our Office", "figures compiled by our teams": what "we" hold is the voice's
    r"|(?:the\s+)?[\w -]{0,40}?\b(?:by|from|of)\s+(?:us|our\s+[\w -]+))$")
# "the minister", "the company": how a text refers back to a speaker it has named ("the group" below too).
ROLE_HEADS = ("minister", "spokesman", "spokeswoman", "spokesperson", "governor", "mayor", "company", "charity",
              "brigades", "army", "military", "prosecutor", "official", "ambassador", "president", "rapporteur")
# "the officials", "the sources": a group of speakers named earlier ("two security officials").
PLURAL_HEADS = ("officials", "sources", "witnesses", "residents", "doctors", "medics", "activists", "lawyers")
GENERIC_HEADS = ("group", "organisation", "organization", "agency", "office", "union", "ministry", "project",
                 "authority", "service", "command",
                 "association", "committee", "coalition", "council", "monitor", "movement", "party", "court",
                 "directorate", "federation", "commission", "centre", "center", "department", "mission",
                 "network", "campaign", "institute", "foundation", "front", "body", "rapporteur", "programme",
                 "inspectorate", "bureau", "tribunal", "board", "society", "collective", "alliance")
_ORGANISATION_WORDS = re.compile(
    rf"(?i)\b(?:{'|'.join(GENERIC_HEADS)}|watch|rights|international|ministry|government|police|nations|assembly|observatory)\b")
# A capitalised name, with the small words names contain ("Council of Europe", "Committee to Protect Journalists").
_NAME = r"(?:[A-Z][\w’'.&-]*)(?:\s+(?:(?:of|for|the|and|on|to|de|du|al|el|in|against|&)\s+)*[A-Z][\w’'.&-]*)*"
_PROPER = re.compile(_NAME)
_ACRONYM_AFTER = re.compile(r"^\s*\((?P<acronym>[A-Z][A-Za-z-]*[A-Z][A-Za-z-]*)\)")


@dataclass
class SourceRef:
    """A source resolved from a cue: an entry of the draft's source list."""

    source: ProposedSource
    confidence: float
    reason: str
    via: ProposedSource | None = None
    anaphoric: bool = False  # "it said", "he had counted": points back at someone named earlier


@dataclass(frozen=True)
class Cue:
    start: int  # where the cue is in the sentence
    end: int
    governs: str  # "after": figures after the cue; "around": also those before it (", according to X.")
    ref: SourceRef
    speaker: tuple[int, int] | None = None  # where the speaker is named ("a lawyer representing several of them")


class Sources:
    """The draft's sources: known ones reused, new ones created once, mentions remembered for "the group"."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.by_key = catalog.source_by_key()
        self.known_ids = {s.id for s in catalog.sources}
        self.used: dict[str, ProposedSource] = {}
        self.mentions: list[ProposedSource] = []
        self.last_attributed: ProposedSource | None = None
        self.group: str | None = None  # people a sentence since the last attribution was about ("six widows sit")
        self.voice: ProposedSource | None = None  # who "we" and "our" are
        self.roles: dict[str, list[str]] = {}
        self.text = ""  # the article, where a surname's full name can be found
        self.entry_start = 0  # where the mentions of a live blog's current entry begin

    def new_entry(self) -> None:
        """A live blog's time stamp opens an entry: "he said" there is someone the entry names, not someone an
        earlier entry named."""
        self.last_attributed, self.group, self.entry_start = None, None, len(self.mentions)

    def resolve_name(self, name: str, *, acronym: str | None = None, context: str = "") -> ProposedSource | None:
        """The known, already proposed or new source called ``name``; ``context`` helps guess a new one's kind."""
        name = _clean_name(name)
        if not name:
            return None
        for candidate in (name, acronym, _drop_possessive(name)):
            if candidate and name_key(candidate) in self.by_key:
                return self._use_known(self.by_key[name_key(candidate)])
        key = name_key(name)
        for source in self.used.values():
            names = [source.name, *source.aliases]
            if key in (name_key(n) for n in names) or (acronym and name_key(acronym) in (name_key(n) for n in names)):
                if acronym and acronym not in source.aliases and not source.known and name_key(acronym) not in self.by_key:
                    source.aliases.append(acronym)
                return source
        short = self._short_form(name) or self._initials(name) or self._surname(name)
        if short is not None:
            return short
        return self._new(name, acronym, context)

    def _surname(self, name: str) -> ProposedSource | None:
        """ "Desh said" after "The village headman, Aram Desh, said" (or after "Aram Desh" anywhere earlier in
        the text): a person called by their surname is the person named in full before."""
        if not re.fullmatch(r"[A-Z][a-z’'-]+", name) or name_key(name) in self.by_key:
            return None
        for source in reversed(self.mentions):
            words = source.name.split()
            if source.kind == "person" and len(words) > 1 and words[-1] == name:
                return source
        full = re.search(rf"\b(?P<full>[A-Z][a-z’'-]+(?: [A-Z][a-z’'-]+){{0,2}}) {re.escape(name)}\b", self.text)
        if full is None or _ORGANISATION_WORDS.search(full.group()) or full.group("full").split()[0] in _TITLES \
                or full.group("full").split()[0].lower() in _STOP_WORDS:
            if full is not None and full.group("full").split()[0] in _TITLES and len(full.group("full").split()) > 1:
                return self.resolve_name(" ".join([*full.group("full").split()[1:], name]))
            return None
        return self.resolve_name(f"{full.group('full')} {name}")

    def _initials(self, name: str) -> ProposedSource | None:
        """ "ICRC" after "International Committee of the Red Cross": an acronym of a source named before."""
        if not (name.isupper() and 3 <= len(name) <= 8 and name.isalpha()):
            return None
        for source in reversed(self.mentions):
            if "".join(w[0] for w in source.name.split() if w[:1].isupper()) == name:
                if not source.known and name not in source.aliases and name_key(name) not in self.by_key:
                    source.aliases.append(name)
                return source
        return None

    def _short_form(self, name: str) -> ProposedSource | None:
        # "Amnesty" after "Amnesty International"; never for short acronyms like "UN"
        if " " in name or len(name) < 4 or name.isupper():
            return None
        for source in reversed(self.mentions):
            words = source.name.split()
            # ("Varell" is no short form of "Varell coastguard": there it only says whose coastguard)
            if len(words) > 1 and words[0] == name and words[1][:1].isupper():
                if not source.known and name not in source.aliases and name_key(name) not in self.by_key:
                    source.aliases.append(name)
                return source
        return None

    def _use_known(self, known: KnownSource) -> ProposedSource:
        if known.id not in self.used:
            self.used[known.id] = ProposedSource(known.id, known.name, known.kind, list(known.aliases), known=True,
                                                 note="already in the database")
        return self.used[known.id]

    def _new(self, name: str, acronym: str | None, context: str) -> ProposedSource:
        base = slugify(acronym) if acronym else slugify(name)
        base = base or "source"
        source_id, n = base, 2
        while source_id in self.known_ids or source_id in self.used:
            source_id, n = f"{base}-{n}", n + 1
        kind, why = guess_kind(" ".join(filter(None, (name, acronym, context))))
        if kind == "other" and guess_kind(name)[0] == "person":
            # "fire chief Anders Vik": the lowercase role around it hides a name of capitalised words
            kind, why = guess_kind(name)
        aliases = [acronym] if acronym and name_key(acronym) not in self.by_key else []
        source = ProposedSource(source_id, _display_name(name), kind, aliases, note=f"kind guessed from {why}")
        self.used[source_id] = source
        return source

    def spoke(self, source: ProposedSource | None) -> None:
        """Remember who a sentence's figures (or else its last speaker) were given to, for a later "it said": "The
        centre said it had collected the names ... Another 56 were burned, it said." is the centre."""
        if source is not None:
            self.last_attributed, self.group = source, None

    def knows(self, name: str) -> bool:
        """Whether ``name`` is a known name or alias, or the first word of a source named earlier (a name's first
        word: "Civil" of "Civil protection" is no name of its own)."""
        return name_key(name) in self.by_key or any(
            m.name.split()[0] == name and (len(m.name.split()) == 1 or m.name.split()[1][:1].isupper())
            for m in self.mentions)

    def mention(self, source: ProposedSource) -> None:
        if source in self.mentions:
            if self.mentions.index(source) < self.entry_start:
                self.entry_start -= 1
            self.mentions.remove(source)
        self.mentions.append(source)

    def add_role(self, source: ProposedSource, phrase: str) -> None:
        """Remember "the interior minister" as a way the text refers to Dara Ostrov (not an alias)."""
        if len(phrase.split()) > 6:
            return  # a clause before the speaker ("Militants killed 35 soldiers ..., two sources told"), not a role
        self.roles.setdefault(source.id, []).append(phrase)

    def by_head(self, head: str) -> ProposedSource | None:
        for source in reversed(self.mentions):
            names = " ".join([source.name, *source.aliases, *self.roles.get(source.id, [])])
            if re.search(rf"(?i)\b{re.escape(head)}\b", names):
                return source
        return None

    def by_kind(self, head: str) -> ProposedSource | None:
        """"the medical charity" after "Médecins Sans Frontières": the latest source of the kind the head names."""
        kinds = HEAD_KINDS.get(head.lower())
        if kinds and head.lower() in ("organisation", "organization") and self.voice is not None \
                and self.voice.kind in kinds:
            # "The organisation said" in a release is its issuer, not the UN body it cited last
            return self.voice
        return next((s for s in reversed(self.mentions) if s.kind in kinds), None) if kinds else None


# Titles before a name: "Dr Lena Varga" is Lena Varga.
_TITLES = frozenset("Dr Mr Mrs Ms Prof Professor General Colonel Captain Major Lieutenant Sergeant Judge Father Sister "
                    "Imam Rev Rabbi Sheikh President Minister Governor Mayor Senator Commander".split())


# The kinds of source a head noun can refer back to when no earlier name contains the noun itself.
HEAD_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("charity", "group", "campaign", "network"), frozenset({"ngo"})),
    # (not "the ministry": after "The governor said" or "Police said", one not named before)
    **dict.fromkeys(("authority", "service", "department", "command"), frozenset({"government"})),
    # "UNICEF said ... The agency said", "the IOM ... the organisation": UN bodies are agencies too
    **dict.fromkeys(("organisation", "organization"), frozenset({"ngo", "intergovernmental"})),
    **dict.fromkeys(("agency", "office"), frozenset({"government", "intergovernmental"})),
    **dict.fromkeys(("programme", "fund"), frozenset({"intergovernmental"})),
}


def name_key(name: str) -> str:
    """Case-, accent-, article- and possessive-insensitive key for matching names and aliases."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"['’]s\b", "", folded)
    folded = re.sub(r"^(?:the|a|an)\s+", "", folded.strip())
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def slugify(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"['’]", "", folded)
    return "-".join(re.findall(r"[a-z0-9]+", folded))[:80].strip("-")


def _clean_name(name: str) -> str:
    name = re.sub(r"^[\s\"“”‘’'(,]+|[\s\"“”‘’'),.;:]+$", "", name)
    name = re.sub(r"(?i)^(?:the|a|an|their|his|her)\s+", "", name)  # "their lawyers": the lawyers
    name = re.sub(r"^(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+(?=[A-Z][\w’'-]+\s+[A-Z])", "", name)  # "Dr Lena Fors" is Lena Fors
    # "Lieutenant Colonel Omar Traore", "General Zaw Min Tun": a rank is no part of the name
    name = re.sub(r"^(?:(?:Lieutenant|Lt\.?|Brigadier|Major|Vice|Rear|Deputy|Prime|Interior|Health|Foreign|Justice)\s+)?"
                  r"(?:General|Colonel|Col\.|Major|Captain|Lieutenant|Sergeant|Commander|Admiral|Brigadier|Governor|"
                  r"Mayor|President|Minister|Senator|Judge|Prosecutor)\s+(?=[A-Z][a-z’'-]+\s+[A-Z][a-z’'-]+$|"
                  r"[A-Z][a-z’'-]+\s+[A-Z][a-z’'-]+\s+[A-Z][a-z’'-]+$)", "", name)
    name = re.sub(r"(?i)^(?:country|nation|state|city|region|province|island|government)[’']s\s+", "", name)
    # "Monitor Protocol counts ...", "Rights group Ostlog says" at the start of a line: what the body is, then its name
    name = re.sub(r"^(?:Rights\s+group|Rights\s+monitor|Monitor|Watchdog|Charity|Broadcaster|Newspaper|Aid\s+group|"
                  r"Campaign\s+group)\s+(?=[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?$)", "", name)
    return " ".join(name.split())


def _drop_possessive(name: str) -> str:
    return re.sub(r"[’']s?$", "", name)


def _display_name(name: str) -> str:
    return name[0].upper() + name[1:] if name else name


KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"council of resistance|opposition|coalition|\bfront\b|resistance|movement|rebels?|insurgents?", "opposition"),
    (r"news agency|\bnews\b|reuters|\bafp\b|\bap\b|associated press|\btimes\b|television|\btv\b|radio|newspaper|"
     r"\bpost\b|guardian|\bbbc\b|al jazeera|\bpress\b|tribune|herald|gazette|journal|media|broadcaster|reporters", "media"),
    (r"\bun\b|united nations|general assembly|security council|human rights council|special rapporteur|ohchr|unhcr|"
     r"unicef|\bwfp\b|world food programme|world health|\bwho\b|european union|\beu\b|council of europe|osce|"
     r"african union|high commissioner|\bilo\b|\bicrc\b|intergovernmental", "intergovernmental"),
    (r"amnesty|human rights watch|m[ée]decins sans fronti[èe]res|\bmsf\b|save the children|oxfam|charity|\bwatch\b|\brights\b|monitor|red cross|red crescent|\bngo\b|foundation|"
     r"association|federation|\bunion\b|centre|center|project|society|institute|network|campaign|trust|"
     r"\bfund\b|doctors without borders|international\b", "ngo"),
    (r"ministry|minister|department|government|authorities|police|army|military|armed forces|\bagency\b|"
     r"directorate|prosecutor|judiciary|court|governor|parliament|official|officials|state|president|"
     r"ambassador|embassy|mayor|council|commission|office|treasury|spokesman|spokeswoman|coroner|"
     r"interior|security forces|coast\s?guard|border guards?|\bnavy\b|gendarmerie|civil (?:protection|defen[cs]e)|"
     r"emergency services?|fire (?:service|brigade|department)", "government"),
    (r"lawyer|activist|witness|resident|doctor|family|families|relatives|survivor|journalist|nurse", "person"),
)


def guess_kind(name: str) -> tuple[str, str]:
    """A source kind from words in its name, and the words that decided it."""
    for pattern, kind in KIND_RULES:
        match = re.search(f"(?i){pattern}", name)
        if match:
            return kind, f'"{match.group().strip()}"'
    words = name.split()
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return "person", "a name of capitalised words"
    return "other", "nothing in the name (no kind word)"


def find_cues(sentence: str, sources: Sources) -> list[Cue]:
    """Attribution cues in a sentence, each with the source it names.

    The kinds are found in a fixed order, and each kind skips words already inside an earlier cue:
    "according to X", then agents ("by X"), speech verbs ("X said"), possessives ("X's count").
    """
    cues: list[Cue] = []
    for match in ACCORDING_TO.finditer(sentence):
        cue = _phrase_cue(sentence, match.start(), match.end(), sources, "according to")
        # "according to relatives and a lawyer representing several of them": a number there describes the speaker
        stop = re.search(r"[,;.:]", sentence[match.end() :])
        phrase_end = match.end() + stop.start() if stop else len(sentence)
        _append(cues, cue and replace(cue, speaker=(match.end(), max(cue.end, phrase_end))))
    for match in AGENT_CUE.finditer(sentence):
        if OWN_FIGURE_FROM.search(sentence[: match.start()]):
            continue  # "the front said it had compiled its figure from families": the front's figure, not theirs
        if not _inside(cues, match.start()):
            _append(cues, _phrase_cue(sentence, match.start(), match.end(), sources, match.group().strip()))
    for match in [*SUBJECT_CUE.finditer(sentence), *REVISION_CUE.finditer(sentence)]:
        if not _inside(cues, match.start("verb")) and _is_speech_verb(sentence, match):
            _append(cues, _speech_cue(sentence, match, sources, cues))
    for match in POSSESSIVE_CUE.finditer(sentence):
        if not _inside(cues, match.start()):
            _append(cues, _possessive_cue(sentence, match, sources))
    for match in ACTIVITY_CUE.finditer(sentence):
        if not _inside(cues, match.start("verb")):
            _append(cues, _activity_cue(sentence, match, sources))
    _own_count_cues(sentence, sources, cues)
    cues.sort(key=lambda c: c.start)
    cues = _without_quoted_first_person(sentence, cues)
    _resolve_anaphora(cues)
    _its_opening_body(sentence, cues, sources)
    return _cited_at_end(sentence, _after_judging_anothers_figures(sentence, cues), sources)


# "Brisk's mayor said the ministry's figures were "far too low" and that he alone knew of at least 110 bodies": what
# the speaker goes on to say after judging another's count is the speaker's, not the count's owner's.
_AND_THAT = re.compile(r"(?i),?\s+and\s+that\b")


def _after_judging_anothers_figures(sentence: str, cues: list[Cue]) -> list[Cue]:
    for index, owned in enumerate(cues):
        speakers = [c for c in cues[:index] if c.ref.source is not owned.ref.source]
        if not speakers or not re.search(r"[’']s?\s+\S+$", sentence[owned.start : owned.end]):
            continue  # (only a count named by its owner, inside what someone else says)
        later = [c.start for c in cues[index + 1 :]]
        going_on = _AND_THAT.search(sentence, owned.end, min(later, default=len(sentence)))
        if going_on is not None and not find_figures(sentence[owned.end : going_on.start()]):
            return sorted([*cues, Cue(going_on.start(), going_on.end(), "after", speakers[-1].ref)], key=lambda c: c.start)
    return cues


# A source cited after what is said, at the sentence's end: "AFP is reporting that at least two people were killed
# ..., citing a source at St Anna Hospital.", "Save the Children says at least 38 children are among the dead,
# citing figures from the regional health authority in Ostvik."
_CITING_AT_END = re.compile(r",\s*(?P<how>citing|quoting)\s+(?P<cited>[^,;:“”\"]{2,100}?)\s*[.!?]?\s*$")
# What is cited is the figures of a body: the body speaks ("figures from the regional health authority")
_FIGURES_OF = re.compile(r"(?i)^(?:the\s+)?(?:figures|data|numbers|statistics|records)\s+(?:from|of|by)\s+(?=the\s|[A-Z])")


def _cited_at_end(sentence: str, cues: list[Cue], sources: Sources) -> list[Cue]:
    """The speaker's figures are the source's it cites at the end of the sentence, relayed by the speaker; records
    no one is named as keeping ("citing hospital records", "citing figures from three hospitals") are the speaker's
    own material, as between the verb and what is said."""
    cited = _CITING_AT_END.search(sentence)
    speaking = [index for index, cue in enumerate(cues) if cue.end <= cited.start()] if cited else []
    if cited is None or not speaking:
        return cues
    body = _FIGURES_OF.sub("", cited.group("cited"))
    # "figures from the health ministry" name their owner, a body; "records from the city's four hospitals" do not
    head = re.split(r"\s(?:in|of|at|for)\s", body)[0].split()[-1]
    if (body == cited.group("cited") or head.endswith("s") or not _ORGANISATION_WORDS.search(head)) \
            and _cites_unowned_records(f"citing {cited.group('cited')}"):
        return cues
    relay = cues[speaking[-1]]
    original = _relayed(body, cited.group("how"), relay.ref, sources, unless=sources.voice)
    if original is None:
        return cues
    return [*cues[: speaking[-1]], replace(relay, ref=original), *cues[speaking[-1] + 1 :]]


def _relayed(cited: str, how: str, relay: SourceRef, sources: Sources,
             unless: ProposedSource | None = None) -> SourceRef | None:
    """The source a speaker cites ("citing a police source"), relayed by the speaker; None when the words name no
    one, the speaker itself or ``unless``."""
    original = _resolve_phrase(cited, sources=sources, cue=how)
    if original is None or original.source is relay.source or (unless is not None and original.source is unless):
        return None
    original.via = relay.source
    original.reason += f", relayed by {relay.source.name}"
    return original


# A sentence opening on a named body acting: "The opposition Civic Front has published a list ...".
_OPENING_BODY = re.compile(r"^(?:[Tt]he\s+)?(?:[a-z-]+\s+){0,2}?(?P<body>[A-Z][\w’'&.-]*(?:\s+(?:(?:of|for|the|and)\s+)*"
                           r"[A-Z][\w’'&.-]*)*)(?:\s+\([A-Z][A-Za-z]+\))?\s+(?:has|have|had|is|was|[a-z]+ed)\b")


def _its_opening_body(sentence: str, cues: Sequence[Cue], sources: Sources) -> None:
    """ "The opposition Civic Front has published a list of nine people it says were killed": an "it" with no
    speaker named before it in the sentence is the body the sentence opens on, not the last one quoted."""
    opening = _OPENING_BODY.match(sentence)
    if opening is None or not _ORGANISATION_WORDS.search(opening.group("body")):
        return
    for cue in cues:
        if not cue.ref.anaphoric or cue.start < opening.end() or not re.match(r"it\b", sentence[cue.start : cue.end]) \
                or not re.search(r"[a-z]\s+$", sentence[: cue.start]):
            continue  # (a closing ", it said." goes on with the speaker before: "Police arrested 17 people, it said.")
        body = sources.resolve_name(opening.group("body"), context=sentence)
        if body is not None:
            cue.ref.source, cue.ref.via = body, None
            cue.ref.reason = f'"it" refers to {body.name}, whom the sentence opens on'


_OPENS_FIRST_PERSON = re.compile(r"(?:I|[Ww]e|[Mm]y|[Oo]ur|[Uu]s|[Mm]e)\b")


def _without_quoted_first_person(sentence: str, cues: list[Cue]) -> list[Cue]:
    """ '"I counted 40 bodies," she says': the "I" or "we" of a quotation is whoever speaks it after the
    quotation, not the text's own voice, nor the one a pronoun after it refers to."""
    kept = []
    for cue in cues:
        quotation = next((q for q in _QUOTATION.finditer(sentence) if q.start() <= cue.start < q.end()), None)
        first_person = cue.speaker is not None and _OPENS_FIRST_PERSON.match(
            sentence[cue.speaker[0] : cue.speaker[1]].strip(" \"“‘'"))
        if quotation is not None and first_person and any(
                (0 <= c.start - quotation.end() <= 100 and not re.search(r"[.;“”\"]", sentence[quotation.end() : c.start]))
                or _introduces(sentence, c, quotation.start()) for c in cues):
            continue
        kept.append(cue)
    return kept


def _introduces(sentence: str, cue: Cue, quotation_start: int) -> bool:
    """ "Anna Rell said: “We counted 40 bodies.”": a speech cue right before a quotation, with a colon or comma
    between, introduces it."""
    return cue.end <= quotation_start and bool(re.fullmatch(r"\s*[:,]\s*", sentence[cue.end : quotation_start]))


def _append(cues: list[Cue], cue: Cue | None) -> None:
    if cue is not None:
        cues.append(cue)


def _phrase_cue(sentence: str, start: int, end: int, sources: Sources, cue: str) -> Cue | None:
    """A cue whose source is the phrase after it: "according to X", "by X", "..., said X"."""
    phrase = _phrase_after(sentence, end)
    relayed = _QUOTED_BY.match(phrase)
    if relayed:  # "according to defence lawyers quoted by Human Rights Watch": the lawyers, via HRW
        ref = _resolve_phrase(relayed.group("speaker"), sources=sources, cue=cue)
        relay = _resolve_phrase(relayed.group("relay"), sources=sources, cue=cue)
        if ref is not None and relay is not None and relay.source is not ref.source:
            ref.via = relay.source
    else:
        ref = _resolve_phrase(_its_role_body(phrase, sentence), sources=sources, cue=cue)
    return None if ref is None else Cue(start, end + len(phrase), "around", ref)


def _its_role_body(phrase: str, sentence: str) -> str:
    """ "The city's main hospital was treating 64 people, its director said": the body the sentence opens on."""
    opening = _BODY_OPENING.match(sentence) if _ITS_ROLE.match(phrase.strip()) else None
    return opening.group("body") if opening else phrase


_ITS_ROLE = re.compile(r"(?i)^its\s+(?:director|head|chief|spokes(?:man|woman|person)|manager|staff|doctors)$")
_BODY_OPENING = re.compile(
    rf"^(?P<body>(?:The\s+)?(?:[\w’'-]+\s+){{0,3}}?(?i:{'|'.join(GENERIC_HEADS)}|hospital|clinic|company|ministry))\s")


OWN_FIGURE_FROM = re.compile(
    r"(?i)\b(?:compiled|compiles|drew|draws|drawn|based|bases|built|builds|gathered|gathers|collected|collects|derived|"
    r"derives|assembled|assembles)\s+(?:its|their|his|her|our)\s+(?:own\s+)?$")
_RELAYED_BY = r"(?:quoted|cited|interviewed)\s+by\s+"
_QUOTED_BY = re.compile(rf"(?i)^(?P<speaker>.+?)\s+{_RELAYED_BY}(?P<relay>.+)$")
_QUOTED_BY_ASIDE = re.compile(rf"(?i)^(?:as\s+)?{_RELAYED_BY}(?P<relay>[^,]+)$")


def _is_speech_verb(sentence: str, match: re.Match[str]) -> bool:
    """Whether a speech verb is used as one, with someone saying something."""
    verb_start = match.start("verb")
    verb = match.group("verb").lower()
    if re.search(r"(?i)\b(?:of|by|about|over|amid|despite|following|after|on)\s+$", sentence[:verb_start]):
        return False  # "the number of confirmed dead": an adjective; "alarmed by reports that": a noun
    if re.search(rf"(?i)\b(?:a|an|the|its|their|his|her|this|that|latest|new|credible|unconfirmed|further|several|"
                 rf"many|initial|early|conflicting)\s+(?:{_REPORT_ADJECTIVE}\s+)*$", sentence[:verb_start]) \
            or (not verb.endswith("ed") and re.search(r"(?i)\b(?:media|press)\s+$", sentence[:verb_start])) \
            or re.search(rf"(?i)(?:[’']s|(?<=s)[’'])\s+(?:{_REPORT_ADJECTIVE}\s+)*$", sentence[:verb_start]):
        return False  # "released a report", "the government's final report": a noun, not a verb
    if _PASSIVE.search(sentence[:verb_start]):
        return False  # "the reform was announced": nobody is named as the speaker
    if re.search(r"(?i)\b(?:citing|quoting)\s+(?:[\w’'-]+\s+){0,3}$", sentence[:verb_start]) \
            and re.fullmatch(r"[\s.!?\"”’')]*", sentence[match.end() :]):
        return False  # "..., citing hospital records.": what is cited, a noun, not "hospital" recording something
    if verb.endswith("ed") and re.match(r"(?i)\s+(?:as\s+|to\s+(?:be|have\s+been)\s+)?(?:missing|dead|killed|injured|"
                                        r"wounded|kidnapped|abducted|detained|arrested|displaced|disappeared|trapped|"
                                        r"buried|drowned|held)\b", sentence[match.end() :]):
        return False  # "3,400 people reported missing": a participle of the people counted
    if re.search(rf"(?:\d|\b{_WORD_NUMBER})\s+$", sentence[:verb_start]):
        return False  # "17,950 registered refugees": an adjective of the people counted
    if verb in ("admitted", "admits") and re.match(rf"(?i)\s+(?:(?:about|around|some|nearly|more than|over|at least)\s+)?"
                                                    rf"(?:\d|{_WORD_NUMBER}\b)", sentence[match.end() :]):
        return False  # "we admitted 71 people": admitted to hospital, not an admission
    if match.group("verb").lower() in ("found", "find", "finds") and re.match(
            r"(?i)\s+(?:in|at|on|inside|near|under|hiding|alive|dead|there|here|(?:the\s+|more\s+)?(?:bod(?:y|ies)|remains))\b",
            sentence[match.end() :]):
        return False  # "all 17 men they found in the mosque": finding people, not a finding
    if verb in ("gave", "gives", "give") and re.match(r"(?i)\s+(?:way|in|up|birth|chase|no)\b", sentence[match.end() :]):
        return False  # "A hillside gave way": no figure is given
    if re.match(r"(?i)\s+(?:the\s+|their\s+|his\s+|her\s+)?li(?:ves|fe)\b|\s+responsibility\b", sentence[match.end() :]) \
            or (verb in ("claimed", "claims", "claim") and re.match(r"(?i)\s+(?:[\w,.-]+\s+){1,3}?(?:more\s+)?lives\b",
                                                                   sentence[match.end() :])):
        return False  # "the floods have claimed the lives of 17", "claimed 40 lives", "Nine firefighters gave their lives": a toll
    # ", compiled from death certificates": a participle describing what came before
    # (but ", the company confirmed by email": "by" the means, and the subject before it speaks)
    return not (re.search(r",\s*$", sentence[: match.start()]) and _PARTICIPLE.match(match.group("verb")) and
                re.match(r"\s+(?:from|by|in|through|on|at|with|for|over)\b", sentence[match.end() :]) and
                not re.match(rf"\s+by\s+{_MEANS_OF_SAYING}", sentence[match.end() :]))


def _speech_cue(sentence: str, match: re.Match[str], sources: Sources, cues: Sequence[Cue]) -> Cue | None:
    """The cue a speech verb makes: "X said", "..., said X", or "..., adding" after an earlier speaker."""
    verb_start, verb = match.start("verb"), match.group("verb")
    if _is_inverted(sentence, match):
        return _phrase_cue(sentence, verb_start, match.end(), sources, f"{verb} X")
    if verb.lower() in PARTICIPIAL_SPEECH and re.search(r",\s*$", sentence[: match.start()]):
        earlier = [c for c in cues if c.start < match.start()]
        if earlier:
            # "..., a spokesman said, adding that ...": the same speaker goes on
            return Cue(match.start(), match.end(), "after", max(earlier, key=lambda c: c.start).ref)
    subject = _subject_before(sentence, match.start(), verb)
    if subject is None:
        return None
    subject = replace(subject, text=_its_role_body(subject.text, sentence))
    if _ENDS_ON_PREPOSITION.search(subject.text):
        return None  # "Contrary to reports spread by ...": "reports" is a noun here, and "Contrary to" no speaker
    if re.search(rf"\d|\b{_WORD_NUMBER}\b", subject.text) and SELF_REPORT.match(sentence[match.end() :]):
        return None  # "no fewer than 60 detainees had told its researchers they were tortured": a count, not a speaker
    ref = _resolve_subject(subject, sources, verb)
    if ref is None:
        return None
    if verb.lower() in ("told", "tells"):
        _set_relay(ref, sentence, match.end(), sources)
    ref = _cited_after_verb(ref, sentence[match.end() :], sources)
    if subject.start is None:
        return Cue(max(sentence.find(subject.text), 0), match.end(), "after", ref)
    # the speaker is the subject itself, not an aside between it and the verb (", raising its toll of 208,"), but a
    # clause describing the speaker is part of who speaks ("Kamil Ostrow, who represents dozens of the detainees,")
    speaker_end = subject.start + len(subject.text)
    if _SPEAKER_CLAUSE.fullmatch(sentence[speaker_end : match.start("verb")]):
        speaker_end = match.start("verb")
    return Cue(subject.start, match.end(), "after", ref, speaker=(subject.start, speaker_end))


_ENDS_ON_PREPOSITION = re.compile(r"(?i)\b(?:to|of|by|with|from|despite|unlike|amid)\s*$")
# A source cited between the verb and what is said: "X said, citing a police source, that ...".
_CITING_AFTER_VERB = re.compile(r"(?i)^\s*,\s*(?P<how>citing|quoting)\s+(?P<cited>[^,;.]{2,80}),\s*(?=that\b)")


def _cited_after_verb(ref: SourceRef, after: str, sources: Sources) -> SourceRef:
    """ "Reuters is reporting, citing a police source, that three people ...": the police source, via Reuters (records
    no one is named as keeping are the speaker's own material)."""
    cited = _CITING_AFTER_VERB.match(after)
    if cited is None or _cites_unowned_records(f"citing {cited.group('cited')}"):
        return ref
    return _relayed(cited.group("cited"), cited.group("how"), ref, sources) or ref


# What the people counted said of themselves: "... told its researchers they were tortured".
SELF_REPORT = re.compile(r"(?i)\s+(?:(?:[\w’'-]+\s+){0,4}?(?:that\s+)?)?(?:they|he|she)\s+(?:were|was|had|have)\b")


_SPEAKER_CLAUSE = re.compile(r"(?i),\s*(?:who|whose)\s[^.;,]{0,100},\s*(?:[\w-]+\s+)?")


def _set_relay(ref: SourceRef, sentence: str, end: int, sources: Sources) -> None:
    """"X told Reuters that ...": Reuters relayed X's claim (reporters and journalists relay nothing)."""
    via_phrase = _phrase_after(sentence, end)
    via = _resolve_phrase(via_phrase, sources=sources, cue="told")
    if via is not None and via.source is not ref.source and not re.match(r"(?i)^(?:reporters|journalists)\b", via_phrase):
        ref.via = via.source


def _possessive_cue(sentence: str, match: re.Match[str], sources: Sources) -> Cue | None:
    """"the ministry's count": the owner of the count is its source."""
    owner = _phrase_before(sentence, match.start())
    ref = _resolve_phrase(owner, sources=sources, cue=f"{owner}'s {match.group().split()[-1]}")
    if ref is None:
        return None
    ref.confidence = min(ref.confidence, 0.75)
    return Cue(match.start() - len(owner), match.end(), "after", ref)


# What a named body does to the people it counts: "The Tamsin Red Crescent has rescued 2,300 people", "MSF teams
# have treated 480 wounded", "UNHCR staff have identified 2,300 children": the body counts its own work.
ACTIVITY_CUE = re.compile(rf"(?i)\s{_AUXILIARY}\b(?P<verb>rescued|evacuated|treated|identified|recovered|admitted|"
                          r"buried|vaccinated|relocated|pulled)\b")
# The people a body named before works through: "Its search teams have pulled 64 people alive".
_ITS_MEMBERS = re.compile(r"(?i)^(?:its|their)\s+(?:[\w-]+\s+){0,2}?(?:teams?|staff|volunteers|workers|crews|medics|"
                          r"doctors|nurses|surgeons|rescuers|personnel)$")
# The body named (a name of two capitalised words or an acronym; "Rescuers", "Police" name no body), with the
# people it works through: "MSF teams", "UNHCR staff", "IOM's Displacement Tracking Matrix teams".
_NAMED_BODY = re.compile(
    r"^(?:[Tt]he\s+)?(?P<body>[A-Z]{2,}[a-z]?|[A-Z][\w’'&.-]*(?:\s+(?:(?:of|for|the|and|de|du|al)\s+)*[A-Z][\w’'&.-]*)+|"
    # a service a place name says whose it is: "The Varell coastguard", "the Tarsk fire service"
    r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?\s+(?:coastguard|coast guard|navy|fire service|fire brigade|civil defen[cs]e|"
    r"civil protection|rescue service|ambulance service|emergency service|mountain rescue))"
    r"(?:(?:[’']s)?(?:\s+[A-Z][\w-]*)*\s+(?:teams?|staff|volunteers|workers|crews|medics|doctors|nurses|surgeons|"
    r"partners|personnel|delegates))?$")


# "By the next morning its count had risen to 33", "Their tally stands at 61": whoever "its" and "their" refer to
# keeps the count.
OWN_COUNT_CUE = re.compile(rf"(?i)\b(?P<owner>its|their)\s+(?:{_REPORT_ADJECTIVE}\s+)*(?P<count>count|tally|toll|"
                           r"death toll|figures?|estimate|records?|list)\b(?=(?:,[^,;]{1,60},)?\s+(?:\w+\s+){0,4}?(?:had|has|have|was|"
                           r"is|were|are|stands?|stood|rose|risen|climbed|reached|showed|shows|lists|listed)\b)")


def _own_count_cues(sentence: str, sources: Sources, cues: list[Cue]) -> None:
    for match in OWN_COUNT_CUE.finditer(sentence):
        if not _inside(cues, match.start()):
            ref = _resolve_phrase(match.group("owner"), sources=sources, cue=match.group("count"))
            if ref is not None:
                cues.append(Cue(match.start(), match.end(), "after", ref))


def _activity_cue(sentence: str, match: re.Match[str], sources: Sources) -> Cue | None:
    subject = _subject_before(sentence, match.start(), match.group("verb"))
    if subject is None or subject.start is None or _PASSIVE.search(sentence[: match.start("verb")]):
        return None
    words = subject.text.strip()
    named = _NAMED_BODY.match(words)
    if named is None and not _ITS_MEMBERS.match(words):
        return None
    # "its search teams": whom "it" refers to ("their teams": whom "they" refers to)
    body = named.group("body") if named is not None else "it" if words.lower().startswith("its") else "they"
    ref = _resolve_phrase(body, sources=sources, cue=match.group("verb"))
    if ref is None:
        return None
    ref.confidence = min(ref.confidence, 0.65)
    return Cue(subject.start, match.end(), "after", ref, speaker=(subject.start, subject.start + len(subject.text)))


def _resolve_anaphora(cues: Sequence[Cue]) -> None:
    """"Samir Haddad ... told AFP that he had counted": "he" is the speaker named just before."""
    for index, cue in enumerate(cues):
        named = [c for c in cues[:index] if not c.ref.anaphoric]
        if cue.ref.anaphoric and named:
            speaker = named[-1].ref
            cue.ref.source, cue.ref.via = speaker.source, speaker.via
            cue.ref.reason = f"{cue.ref.reason.split(' refers')[0]} refers to {speaker.source.name}"


def _inside(cues: Sequence[Cue], position: int) -> bool:
    return any(c.start <= position < c.end for c in cues)


def _is_inverted(sentence: str, match: re.Match[str]) -> bool:
    """``..., said WFP director Anna Bell.``: the speaker follows the verb."""
    verb = match.group("verb").lower()
    if verb not in ("said", "says", "added", "wrote", "stated", "noted", "reported"):  # "told X": X hears it
        return False
    before = sentence[: match.start()].rstrip()
    # '"...," said Marta Osei, the union's secretary, adding that two were taken to hospital': the speaker goes on
    after = re.split(rf",\s*(?:{'|'.join(PARTICIPIAL_SPEECH)})\b", sentence[match.end() :])[0].strip()
    if not re.search(r"[,”\"]$", before) or re.match(r"(?i)(?:that|on|in|at|it|they|he|she|by|from|via|over|during|late|"
                                                      r"early|today|yesterday|last|this|after|before|when|while)\b", after):
        return False  # ("..., Hamid Sorr, said by telephone": how it was said, the speaker is before the verb)
    one_of = _ONE_OF_THE_SPEAKERS.match(after)  # "..., said one of the officials": a speaker, not a count
    if (FIGURE_PATTERN.match(after) and not one_of) or re.search(r"(?i)\bthat\b", after) or not re.search(r"\w", after):
        return False  # "..., the camp manager, Leon Abara, says.": nobody after the verb; the speaker is before it
    if re.match(r"(?i)^(?:[\w’'-]+\s+){1,4}?(?:had|has|have|is|are|was|were|will|would|now)\b", after) \
            or find_figures(after.split(",")[0]):
        return False  # "..., said its volunteers had evacuated 1,100 people": what is said follows, not who says it
    # "said NAME, a long description", "said one of the officials, a district administrator who spoke on condition ..."
    return len(after.split()) <= 12 or bool(re.match(rf"{_NAME},", after)) or one_of is not None


# One or some of a group named before, after an inverted verb: "said one of the officials, a district administrator".
_ONE_OF_THE_SPEAKERS = re.compile(r"(?i)^(?:one|two|three|another|a third|some|several|both|each)\s+of\s+(?:the|those|these)"
                                  r"\s+[a-z-]+(?:\s+[a-z-]+)?\s*(?:[,.]|$)")


# A title's full stop ends no phrase: "said Dr. Ines Valcourt" names Ines Valcourt, not "Dr".
_ABBREVIATED_TITLES = ("Dr", "Mr", "Mrs", "Ms", "Prof", "Gen", "Col", "Lt", "Sgt", "Rev")
_TITLE_STOP = "|".join(rf"(?<=\b{title})\." for title in _ABBREVIATED_TITLES)
_NOT_TITLE_STOP = "".join(rf"(?<!\b{title})" for title in _ABBREVIATED_TITLES)


def _phrase_after(sentence: str, start: int) -> str:
    rest = sentence[start:]
    # 'the claim by the so-called "Free Halm Front" that ...': the name is what the quotation marks hold
    quoted = re.match(r"\s*(?:the\s+)?(?:so-called\s+|self-styled\s+|self-proclaimed\s+)?[\"“](?P<name>[A-Z][^\"”]{1,80})[\"”]",
                      rest)
    if quoted:
        return quoted.group("name")
    match = re.match(
        rf"(?:[^,;:.!?()\"“”]|{_TITLE_STOP})*?(?=\s+(?:that|who|which|on|in|at|last|this|by phone|said|says|as|and|while|when|after|"
        # a subject pronoun starts the clause the source's phrase leads into: "By the reckoning of the camp
        # administration it now houses 41,000"
        r"it|he|she|"
        r"before|over|since|because|but|to(?!\s+[A-Z])|with|"
        # the verb of a sentence whose subject ends on the source: "the tally kept by the association includes 64"
        r"includes|included|include|shows|showed|lists|listed|has|have|had|is|are|was|were|stands|stood|"
        rf"reached|rose|grew)\b|[,;:!?()\"“”]|{_NOT_TITLE_STOP}\.|$)", rest)
    phrase = match.group() if match else rest
    phrase = phrase.strip()
    count = FIGURE_PATTERN.search(phrase)
    if count and count.start() > 0:  # "social networks of dozens of deaths": the source ends before what it counts
        phrase = re.sub(r"(?i)\s+(?:of|with|about|on)\s*$", "", phrase[: count.start()].rstrip())
    if re.match(r"(?i)^(?:reports?|figures?|estimates?|data|a (?:tally|report|statement|count))\s+(?:by|from|of)\s", phrase):
        phrase = re.sub(r"(?i)^\S+(?:\s\S+)?\s+(?:by|from|of)\s+", "", phrase)
    acronym = _ACRONYM_AFTER.match(rest[len(rest) - len(rest.lstrip()) + len(phrase) :] if phrase else "")
    if acronym:
        phrase = f"{phrase} ({acronym.group('acronym')})"
    return phrase


def _phrase_before(sentence: str, end: int) -> str:
    head = sentence[:end]
    match = re.search(rf"(?:(?:\b[Tt]he\s+)?{_UN}\s+[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*)?|(?:\b[Tt]he\s+)?{_NAME}|"
                      r"\b[\w’'-]+(?:\s+[\w’'-]+)?)$", head)
    phrase = match.group() if match else ""
    return phrase.strip()


@dataclass(frozen=True)
class Subject:
    text: str
    start: int | None  # None when the subject is not next to the verb ("X rejected ... and said")
    appositives: tuple[str, ...] = ()  # "The interior minister, Dara Ostrov,": other names for the speaker
    quoting: str | None = None  # "State television, quoting a military spokesman, said": who it relays
    relayed_by: str | None = None  # "Amnesty said the authorities had acknowledged ...": who reports the speaker


_DESCRIPTION_ONLY = re.compile(r"(?i)an?\s+(?:[a-z’'-]+\s+){0,3}(?:monitor|group|organi[sz]ation|charity|watchdog|"
                               r"agency|network|coalition|association|body|ngo|rights group|union)")


def _subject_before(sentence: str, verb_start: int, verb: str) -> Subject | None:
    """The noun phrase before a cue verb, within its clause; None for "which said" with no antecedent."""
    head = _DESCRIBING_APPOSITION.sub(" ", sentence[:verb_start])
    # "The Dockworkers' Union, which called the strike that preceded the protests, said": a relative clause before
    # the verb describes the subject; its "that" starts no clause of the speaker's
    head = _RELATIVE_BEFORE_VERB.sub(",", head)
    # a release's dateline is no part of the subject: "(Oslo, 2 October) The Norwegian Refugee Council said"
    dateline = re.match(r"\s*\([^()]{0,60}\d[^()]{0,20}\)\s*[-–—:]?\s*(?=[A-Z])", head)
    if dateline:
        head = " " * dateline.end() + head[dateline.end() :]
    if re.search(r"(?i)\b(?:and|but)\s*$", head) or (verb.lower() in PARTICIPIAL_SPEECH and re.search(r",\s*$", head)):
        # "rejected the resolution ... and said", "confirmed the attack but put the toll at 12", "urged ...,
        # saying": the sentence's subject
        first_verb = _FIRST_VERB.search(head)
        parts = [p.strip() for p in re.split(r",\s*", head[: first_verb.start()] if first_verb else "") if p.strip()]
        parts = [p for p in parts if not _NOT_A_SUBJECT.match(p)]
        if not parts:
            return None
        # "The ministry on Monday ...", "Late on Tuesday it said ... but gave no breakdown"
        return Subject(_LEADING_TIME.sub("", _TRAILING_TIME.sub("", parts[-1])), None, tuple(parts[:-1]))
    if re.search(r"(?i)(?:,\s*)?\bwhich\s*$", head):
        antecedent = re.sub(r"(?i),?\s*which\s*$", "", head)
        # "..., according to the state emergency office, which said": the office, not "According to ..."
        antecedent = re.sub(r"(?i)^.*\b(?:according to|citing|quoting)\s+", "", antecedent)
        return Subject(_last_noun_phrase(antecedent), None)
    start = _clause_start(head)
    clause = head[start:]
    if re.search(r"[”\"]\s*,?\s*$", clause.strip()) or not clause.strip():
        return None
    parts = [p for p in re.split(r",\s*", clause.strip()) if p.strip()]
    quoting = None
    parts, quoted_by = _without_relay_aside(parts)
    for index in range(len(parts) - 1, -1, -1):
        part = _LEADING_TIME.sub("", parts[index])  # "On Thursday the agency said"
        if re.match(r"(?i)^(?:quoting|citing)\s", part):
            quoting = part
            continue
        pronoun = _TRAILING_PRONOUN.search(part)
        if _NOT_A_SUBJECT.match(part.strip()) and not (pronoun and _OPENING_PREPOSITION.match(part.strip())):
            # (but "In its latest bulletin it said", "In a statement they said": the pronoun after an opening phrase)
            continue
        others = tuple(p for p in parts[:index] if not _NOT_A_SUBJECT.match(p.strip()))
        if pronoun:  # "up from the 32 it had announced": the pronoun is the speaker
            return Subject(pronoun.group(1), start + clause.find(part) + pronoun.start(1), others, quoting)
        if re.match(r"(?i)^(?:up|down) from\b|^compared (?:with|to)\b", part.strip()):
            return None  # ", up from 38 announced earlier": the earlier figure, with nobody announcing it here
        part = _TRAILING_TIME.sub("", part)  # "The agency on Wednesday raised"
        outer = re.match(r"(?i)^(?P<outer>.+?)\s+(?:said|says|stated|added)\s+$", head[:start])
        relayed_by = quoted_by or (outer.group("outer") if outer and "," not in outer.group("outer") else None)
        named = _named_before_apposition(part, others)
        if named is not None:
            return Subject(named, start + clause.find(named), (*others[:-1], part), quoting, relayed_by)
        return Subject(part, start + clause.find(part), others, quoting, relayed_by)
    return None


def _without_relay_aside(parts: list[str]) -> tuple[list[str], str | None]:
    """The subject's parts without an aside naming who relays it, and that relay: "The Red Cross, quoted by AFP, said"
    (the Red Cross speaks, AFP relays it)."""
    relays = [m.group("relay") for m in (_QUOTED_BY_ASIDE.match(p.strip()) for p in parts) if m]
    return [p for p in parts if not _QUOTED_BY_ASIDE.match(p.strip())], (relays[-1] if relays else None)


def _named_before_apposition(part: str, others: tuple[str, ...]) -> str | None:
    """The subject when an apposition describes it: "The Garro Human Rights Centre, a local monitor, said" (the name
    speaks, the description says what it is); "Her notebook, a school exercise book with an owl on the cover,
    lists" (the notebook, whose owner is "she")."""
    if not others:
        return None
    named = others[-1].strip()
    if _DESCRIPTION_ONLY.fullmatch(part.strip()) and re.match(rf"(?:The\s+)?{_NAME}$", named):
        return named
    # "The UN Working Group on Enforced Disappearances, a panel of independent experts based in Geneva, said"
    if re.match(r"(?i)an?\s", part.strip()) and re.match(rf"(?:The\s+)?{_NAME}$", named) \
            and guess_kind(named)[0] in ("ngo", "government", "intergovernmental"):
        return named
    if _UNIQUE_DESCRIPTION.match(part.strip()) and not _ROLE_AT_A_BODY.search(part):
        # "Velby's hospital, the only one in the district, said": what sets the subject apart describes it, wherever
        # it ends ("the only one in the area with a surgical ward"); the subject is the phrase before it. (Not a
        # role at a body named in it: "Mira Vos, the main spokeswoman for the Health Ministry, said" is the ministry's.)
        return next((o.strip() for o in reversed(others) if not _OPENING_PREPOSITION.match(o.strip())), None)
    if _NO_SOURCE.search(part.strip()):
        # "Ferenc Dall, mayor of Orrin, the village closest to the crater, has told": a place describes who speaks
        return next((o.strip() for o in reversed(others) if re.fullmatch(rf"(?:The\s+)?{_NAME}", o.strip())), None)
    return named if re.match(r"(?i)an?\s", part.strip()) and _POSSESSED.match(named) else None


# The first verb of a sentence, to find its subject without a parser: a lowercase "-ed" word or a common verb.
_FIRST_VERB = re.compile(
    r"\b(?:[a-z]+ed|urges?|denies|says|has|have|had|is|was|were|are|will|would|did|does|took|gave|made|went|"
    r"told|said|put|called|rejects?|insists?|recogni[sz]es|warns?|disputes|contests|dismisses|questions|accuses|maintains|argues|"
    r"blames)\b")
_NOT_A_SUBJECT = re.compile(
    r"(?i)^(?:\d+|aged \d+|in \w+|on \w+|distributed|published|released|issued|speaking|writing|based|who\b|whose\b|"
    # "The city's only hospital, run by a local charity, reports": a participle describing the subject
    r"(?:run|led|funded|founded|managed|owned|backed|supported|operated|set up|created|established|formed)\s+"
    r"(?:by|in|under|after|with|at)\b|"
    # "His own count, kept in a red ledger, shows": where or how the subject is kept
    r"(?:kept|written|typed|compiled|printed|scrawled|stored|drawn up)\s+(?:by|in|on|at)\b|"
    r"raising|bringing|revising|lowering|updating|"
    # "The health ministry, for its part, put the toll at 11": a word joining the sentence to the one before
    r"however|meanwhile|for (?:its|their|his|her|our) part|in turn|too|in contrast|by contrast|separately|"
    r"nevertheless|instead|likewise|similarly|moreover|though|"
    r"which\b|according)\b")


_RELATIVE_BEFORE_VERB = re.compile(r"(?i)(?<=[\w’'.)]),\s*(?:which|who)\s[^,;:“”\"]{0,200},\s*$")
# An apposition that describes the subject before the verb: ", a Britain-based monitor that relies on sources,".
_DESCRIBING_APPOSITION = re.compile(
    r"(?i),\s*(?:a|an)\s+[^,;]{0,80}?\b(?:that|which|who|whose)\b[^,;]{0,120},\s*$")
_ROLE_AT_A_BODY = re.compile(r"\b(?:for|of|at)\s+(?:the\s+)?[A-Z]")
_UNIQUE_DESCRIPTION = re.compile(r"(?i)^the\s+(?:only|sole|main|largest|biggest|nearest|closest|last)\s+(?:one|[\w-]+)\b")
_POSSESSED = re.compile(r"(?i)^(?:her|his|their|its)\s+(?:own\s+)?[\w’'-]+$")
_TRAILING_PRONOUN = re.compile(r"(?i)\s(it|they|he|she|we)$")
_OPENING_PREPOSITION = re.compile(r"(?i)^(?:in|on|at|during|after|before|with|from|by)\s")
# After an opening time or place, the body that speaks: "the agency", "its staff", "their office".
_BODY_NEXT = r"(?=(?:the|its|their)\s)"
# "On Thursday the agency said", and a live blog's time stamp opening an entry: "10:15 The agency says".
_LEADING_TIME = re.compile(r"(?i)^(?:(?:late|early)\s+)?on\s+\w+day\s+(?=the\s|[A-Z]|(?:it|they|he|she|we)\b)"
                           r"|^\d{1,2}[:.]\d\d(?:\s*(?:am|pm|gmt|utc|bst|cet|local time))?\s+(?=[A-Z])"
                           # "In January the Interior Ministry told parliament", "Last week the agency said"
                           rf"|^(?:in|by)\s+(?:(?:early|late|mid)[\s-]+)?{_MONTH}(?:\s+\d{{4}})?\s+(?=the\s|(?-i:[A-Z])|(?:it|they|he|she|we)\b)"
                           r"|^(?:last|earlier this|later that|this)\s+(?:week|month|year)\s+(?=the\s|(?-i:[A-Z])|(?:it|they|he|she|we)\b)"
                           # "A week ago the ministry put", "By the end of that week the company had revised": when
                           r"|^(?:an?|one|two|three|a few|several)\s+(?:hours?|days?|weeks?|months?|years?)\s+(?:ago|earlier|later)\s+"
                           rf"{_BODY_NEXT}"
                           rf"|^(?:by|at|until|towards?)\s+the\s+(?:end|start|beginning|close|middle)\s+of\s+(?:[\w-]+\s+){{1,2}}?{_BODY_NEXT}"
                           # "In Lorne the centre records", "For Vestry the centre lists", "Across Tarnholm the directorate's
                           # total stands": a place the figure is about opens the sentence, and the body after it speaks
                           r"|^(?:in|for|across|at|throughout|outside|inside|near)\s+(?:the\s+)?(?-i:[A-Z][\w’'-]+)(?:\s+(?-i:[A-Z][\w’'-]+))?"
                           r"(?:\s+(?:province|district|region|county|municipality|city|town|village))?\s+"
                           rf"{_BODY_NEXT}")
_TRAILING_TIME = re.compile(
    r"(?i)\s+(?:(?:late|early)\s+)?(?:on|last|this)\s+(?:\w+day|week|month|night|morning|evening)$|\s+(?:yesterday|today)$")


def _last_noun_phrase(text: str) -> str:
    # "according to the provincial hospital in Bressa, which said": the hospital in Bressa, not Bressa
    served = re.search(r"(?:^|\s)(?:the|an?)\s+[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,3}\s+(?:of|in)\s+(?:the\s+)?"
                       r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?\s*$", text.strip())
    if served and (body := _BODY_OF_PLACE.match(served.group().strip())) \
            and body.group("words").split()[-1].lower() in _PLACE_SERVING_HEADS:
        return served.group().strip()
    match = re.search(rf"{_NAME}(?:\s*\([A-Z][A-Za-z-]+\))?\s*$", text.strip())
    return match.group().strip() if match else text.split(",")[-1].strip()


def _clause_start(head: str) -> int:
    start = 0
    # "Amnesty said the authorities had acknowledged only 11": the inner speaker starts after the outer verb
    # (", which Save the Children cited": a relative clause with a subject of its own starts a clause)
    # ("By the end of that week the company": "that" before a time is no conjunction)
    for match in re.finditer(r"(?i);|(?<!\d):(?!\d)|\s[—–-]\s|,\s(?:and|but|while|whereas|although)\s|\bwhile\s|\bwhereas\s|"
                             r"\bthat\s(?!(?:week|month|year|day|morning|evening|night|time)\b)|"
                             r"[”\"]\s*,?\s|\b(?:said|says|stated|added)\s+(?=the\s)|,\s*which\s+(?=(?:the\s+)?(?-i:[A-Z]))", head):
        start = match.end()
    # "the 340 young men the local bar association says were detained": a relative clause after the people counted
    relative = re.search(r"(?:\d|\b(?:dozens|hundreds|thousands))[\d,.]*\s+(?:[a-z-]+\s+){1,3}?"
                         r"(?P<rel>(?:the|a|an)\s+(?:[\w’'-]+\s+){0,4}[\w’'-]+\s*)$", head[start:])
    return start + relative.start("rel") if relative else start


def _resolve_subject(subject: Subject, sources: Sources, verb: str) -> SourceRef | None:
    """The speaker of a cue verb; with "quoting X", X is the source and the subject only relays it."""
    quoting = subject.quoting
    ref = _resolve_phrase(subject.text, sources=sources, cue=verb)
    if ref is not None:
        for other in subject.appositives:
            sources.add_role(ref.source, other)
    if quoting is not None and ref is not None and _cites_unowned_records(quoting):
        ref.reason += f' ("{_short(quoting)}": records it cites do not speak)'
        return ref
    if quoting is not None:
        quoted = _resolve_phrase(re.sub(r"(?i)^(?:quoting|citing)\s+", "", quoting), sources=sources, cue="quoting")
        if quoted is not None:
            if ref is not None and ref.source is not quoted.source:
                quoted.via = ref.source
            quoted.reason = f'"{quoting}" ({verb}, relayed by {ref.source.name if ref else "the subject"})'
            return quoted
    if ref is not None and subject.relayed_by is not None:
        outer = _resolve_phrase(subject.relayed_by, sources=sources, cue="said")
        if outer is not None and outer.source is not ref.source:
            ref.via = outer.source
            ref.reason += f", as reported by {outer.source.name}"
    return ref


def _cites_unowned_records(quoting: str) -> bool:
    """ "The health office, citing records from the district's three hospitals, reports": records no one is named as
    keeping are what the speaker relies on, not another speaker ("citing the ministry's figures" names one)."""
    cited = re.match(r"(?i)^citing\s+(?:the\s+|its\s+|their\s+)?(?P<what>[^,]*)$", quoting.strip())
    if cited is None or re.search(r"[A-Z]", cited.group("what")):
        return False
    head = re.split(r"\s(?:from|of|at|in|kept|held|compiled|collected)\s", cited.group("what"))[0]
    return not re.search(r"[’']s\b", head) and _REPORT_NOUNS.match(head.split()[-1] if head.split() else "") is not None


def _resolve_phrase(phrase: str, *, sources: Sources, cue: str) -> SourceRef | None:
    """The source a noun phrase names: a known source, an earlier mention ("the agency"), or a new one."""
    original = phrase.strip()
    phrase = re.sub(r"^\s*(?:[-–—•*·▪]\s+)?[\s\"“”‘’']*|[\s\"“”‘’'.]+$", "", original)  # a bullet is no part of it
    if not phrase or len(phrase) > 160:
        return None
    phrase = re.sub(r"(?i)^(?:where|when|and|but|as|while|after|because|since|although|if|so|then)\s+", "", phrase)
    # "A doctor there told her": where the speaker is, said before; "there" is no part of who speaks
    phrase = re.sub(r"(?i)(?<=\w)\s+(?:there|here)$", "", phrase)
    # "one of what the local workers' union says are 23 employees who have died": the union says it
    # ("He is one of what the prisoners' families say are 46 men refusing food": the families)
    phrase = re.sub(r"(?i)^(?:(?:[\w’'-]+\s+){1,3}?(?:is|was|are|were)\s+)?"
                    r"(?:(?:one|some|many|most|several|all|none|each|any|among)\s+(?:of\s+)?)?what\s+(?=\S)", "", phrase)
    # "according to information gathered by the local administration", "data collected by local monitors": whoever
    # gathered it
    phrase = re.sub(r"(?i)^(?:the\s+)?(?:[\w-]+\s+)?(?:information|data|figures|records|statistics|numbers|estimates|"
                    r"reports|accounts|testimon(?:y|ies)|evidence)\s+(?:gathered|collected|compiled|kept|provided|"
                    r"obtained|received|published|released|shared|verified|documented)\s+by\s+(?=\S)", "", phrase)
    # "The government's own figures, given by the justice ministry in reply to a parliamentary question in October,
    # put ...": who gave them, not what they answered (nor the month: a source "October")
    phrase = re.sub(r"(?i)^(?:given|provided|published|released|issued|supplied)\s+by\s+(?=\S)", "", phrase)
    phrase = re.sub(r"(?i)\s+in\s+(?:reply|response|answer)\s+to\s.*$", "", phrase)
    # "A Reuters tally based on hospital records": who keeps the tally, not what it is based on
    phrase = re.sub(r"(?i)\s+(?:based on|compiled from|drawn from|drawn up from)\s.*$", "", phrase)
    phrase = re.sub(r"^(?:[Aa]n?|[Tt]he)\s+(?P<owner>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*|police|army|military|government|"
                    r"ministry)\s+(?:tally|count|survey|analysis|review|estimate|statement|report|bulletin)$", r"\g<owner>",
                    phrase)
    if _TIME_PHRASE.match(phrase) or re.match(r"I\s+[a-z]", phrase) or _PRONOUN_AUXILIARY.search(phrase) \
            or _INDEFINITE_PRONOUN.fullmatch(phrase):
        # "31 of those arrested had been released by evening": when, not who; '"I wrote each one when a family
        # came to say ..."': a clause in the first person, no name; '"Two we have not found."': a pronoun and its
        # auxiliary or negation before the verb are the clause's own words, not a name; "someone has added" nobody named
        return None
    if EARLIER_EDITION.match(phrase) and sources.voice is not None:
        return SourceRef(sources.voice, 0.5, f'"{phrase} {cue}": an earlier edition of this text ({sources.voice.name})')
    if COUNT_SUBJECT.match(phrase) or UNOWNED_DATA.match(phrase):
        # "the number of deaths stands at 31", "according to preliminary data": the count itself, not who gives it
        return None
    if FIRST_PERSON_SOURCE.match(phrase) and sources.voice is not None:
        return SourceRef(sources.voice, 0.6, f'"{phrase} {cue}": the article\'s own voice ({sources.voice.name})')
    owned = re.match(r"(?i)^(its|their|her|his)\s+(.+)$", phrase)
    if owned:
        phrase = _owner_pronoun(owned.group(1).lower(), owned.group(2), phrase)
    if phrase.lower() in PRONOUNS:
        return _pronoun_ref(phrase, owned.group(0) if owned else phrase, sources, cue)
    # "The authorities in Marrak", "police in Halde": the body speaks, the place says which
    phrase = PLACE_AFTER_BODY.sub(r"\g<body>", phrase)
    # "a toll the interior ministry disputed, putting it at 3": the one who disputes gives the figure
    phrase = re.sub(r"(?i)^(?:a|the)\s+(?:toll|figure|number|count|tally|claim|estimate)\s+(?:that\s+|which\s+)?(.+?)\s+"
                    r"(?:disputed|rejected|denied|contested|questioned|dismissed)$", r"\1", phrase)
    # "a local official and a resident told Reuters": two speakers; the first named is the source proposed
    # (also "a medical source and residents": the second speakers need no article)
    phrase = re.sub(r"(?i)^((?:an?|one)\s+[\w-]+(?:\s+[\w-]+){0,2}?)\s+and\s+(?:(?:an?|one)\s+)?[\w-]+(?:\s+[\w-]+){0,2}$",
                    r"\1", phrase)
    for resolve in (_un_description_ref, _partitive_ref, _body_of_place_ref, _generic_ref, _owner_ref, _spokesperson_ref):
        ref = resolve(phrase, original, sources, cue)
        if ref is not None:
            return ref
    phrase = _speaking_head(phrase)
    ref = _proper_name_ref(phrase, original, sources, cue)
    return ref if ref is not None else _common_noun_ref(phrase, original, sources, cue)


def _pronoun_ref(pronoun: str, said: str, sources: Sources, cue: str) -> SourceRef | None:
    """Whom "it", "they", "he" or "she" (or "its", "their" before what is owned) refers back to."""
    target = sources.last_attributed or (sources.mentions[-1] if sources.mentions else None)
    if pronoun.lower() == "they" and sources.group is not None:
        # "The union says 31 miners died. ... six widows sit in a row. Together, they say, ...": the widows
        target = sources.resolve_name(sources.group, context="people") or target
    if pronoun.lower() in ("he", "she"):
        # "..., said Ravi Anand, a senior police officer. He said 11 ...": the person named latest
        # (or a role one person holds: "according to a local hospital director. ..., he said")
        # A live blog's entry naming nobody gives "he said" to no one (entries may run newest first), but "she added",
        # "he went on" says it goes on with the person who spoke last, whatever entry named them
        goes_on = re.fullmatch(r"(?i)(?:also\s+)?(?:added|adds|continued|continues|went on(?:\s+to\s+say)?)", cue.strip())
        entry = 0 if goes_on else sources.entry_start
        target = next((s for s in reversed(sources.mentions[entry:]) if s is not sources.voice and (
            s.kind == "person" or s.name.split()[-1].lower() in PERSON_ROLES)),
            None if entry and sources.last_attributed is None else target)
    if target is None:
        return None
    return SourceRef(target, 0.6, f'"{said} {cue}" refers back to {target.name}', anaphoric=True)


def _owner_pronoun(owner: str, owned: str, phrase: str) -> str:
    """ "Its report, published last week, says ...", "Its volunteers say": the body named before speaks ("their
    lawyers" are more often the lawyers of the people just named); "Her notebook lists 63 names": she does."""
    record = _REPORT_NOUNS.match(_REPORT_ADJECTIVES.sub("", owned)) is not None
    # "its mission in Tesk": the place says which part of it speaks
    members = _MEMBERS.match(re.sub(r"\s+(?:in|for|at)\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*$", "", owned))
    if owner in ("its", "their") and (record or (members and owner == "its")):
        return "it"
    if owner in ("her", "his") and record:
        return "she" if owner == "her" else "he"
    return phrase


# The people a body speaks through: "its volunteers", "their field teams", "its staff in the camp"; and one who
# speaks for it, named by a place or a rank: "its Varna representative", "its press office", "its deputy director".
_MEMBERS = re.compile(
    r"(?i)^(?:own\s+)?(?:[\w-]+\s+)?(?:volunteers|staff|teams?|doctors|medics|nurses|workers|researchers|"
    r"members|monitors|investigators|experts|lawyers|officials|representatives|field officers|officers)$"
    r"|^(?:[\w-]+\s+){0,2}?(?:representative|spokes(?:man|woman|person)|press (?:office|officer)|office|"
    # and a part of it named by its place: "Its Varnholm delegation says", "its Tesk branch"
    r"director|head|chief|manager|secretary|coordinator|delegation|branch|chapter|mission)$")


# "the charity", "the medical charity" describe a source named before; "the fire service" names a new one.
_DESCRIBES_ONLY = re.compile(
    r"(?i)^(?:the|this|its|their)\s+(?:(?:medical|humanitarian|aid|relief|rights|human rights|international|"
    r"independent|non-governmental|British|French|local|regional|national|Geneva-based|London-based|"
    r"New York-based)\s+){0,3}[\w-]+$")


_DESCRIPTIVE = frozenset(
    "medical humanitarian aid relief rights human international independent non-governmental local regional "
    "national same main".split())


def _modifiers_fit(modifiers: str, target: ProposedSource, sources: Sources) -> bool:
    """Whether "the interior ministry" can be the source named before: each word naming which one it is must be
    in that source's names or roles ("medical", "local" only describe)."""
    names = name_key(" ".join([target.name, *target.aliases, *sources.roles.get(target.id, [])]))
    return all(w in _DESCRIPTIVE or w in names.split() for w in name_key(modifiers).split())


def _generic_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    """"the agency", "its spokesman": the source mentioned earlier with that head noun."""
    # however many words describe it: "the medical humanitarian organisation" is the organisation named before
    generic = re.match(rf"(?i)^(?:the|this|that|its|their)\s+((?:[\w-]+\s+){{0,3}}?)({'|'.join(GENERIC_HEADS + ROLE_HEADS + PLURAL_HEADS)})"
                       r"(?:[’']s)?$", phrase)
    if generic and len(generic.group(1).split()) > 1 and not generic.group(1).islower():
        generic = None  # "The Garo Liberation Army" is a name, not a description of a source named before
    target = sources.by_head(generic.group(2)) if generic else None
    if generic and target is not None and not _modifiers_fit(generic.group(1), target, sources):
        return None  # "the interior ministry" after "the health ministry": another ministry
    if generic and target is None and _DESCRIBES_ONLY.match(phrase):
        target = sources.by_kind(generic.group(2))
    return None if target is None else SourceRef(target, 0.65, f'"{phrase} {cue}" refers back to {target.name}')


_PARTITIVE = re.compile(
    r"(?i)^(?:one|two|three|another|a third|some|several|both|all|each|none|most)\s+of\s+(?:the|those|these|them)"
    r"(?:\s+(?P<head>[a-z-]+(?:\s+[a-z-]+)?))?$")


def _un_description_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    """ "the UN refugee agency": reporting's usual description of a UN body, which the body's own name replaces."""
    described = UN_DESCRIPTION.match(phrase)
    if described is None:
        return None
    name, acronym = UN_DESCRIBED[re.sub(r"[’']", "'", described.group("what").lower())]
    source = sources.resolve_name(name, acronym=acronym)
    return None if source is None else SourceRef(source, 0.8, f'"{_short(original)}" ({cue}): {name}')


def _partitive_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    """"one of the officials", "another of the sources": some of a group of speakers named earlier."""
    partitive = _PARTITIVE.match(phrase)
    if not partitive:
        return None
    head = partitive.group("head")
    target = sources.by_head(head.split()[-1]) if head else (sources.last_attributed if "them" in phrase else None)
    if target is None:
        return None
    return SourceRef(target, 0.65, f'"{phrase} {cue}" refers back to {target.name}')


def _owner_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    """"Amnesty's report", "the ministry's spokesman": the owner is the source."""
    owner = re.match(r"^(?P<owner>.+?)(?:[’']s|(?<=s)[’'])\s+(?P<head>[\w -]+)$", phrase)
    head = _REPORT_ADJECTIVES.sub("", owner.group("head").strip()) if owner else ""
    head = re.sub(r"(?i)\s+(?:on|about|into|of|for|from|in)\s.*$", "", head)  # "report on the collapse": a report
    if not owner or not (_REPORT_NOUNS.match(head) or _ROLE_NOUNS.search(owner.group("head"))):
        return None
    place_role = _ROLE_AFTER_PLACE.match(" " + owner.group("head"))
    if place_role and _PLACE.fullmatch(owner.group("owner")) and not _ORGANISATION_WORDS.search(owner.group("owner")):
        # "Telva's mayor says": the mayor speaks, as "the Telva mayor" does, not the town
        return _proper_name_ref(f"{owner.group('owner')} {place_role.group(1)}", original, sources, cue)
    inner = _resolve_phrase(owner.group("owner"), sources=sources, cue=cue)
    if inner is not None:
        inner.reason = f'"{phrase}" ({cue})'
    return inner


def _spokesperson_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    """"a spokesman for the ministry": the body spoken for is the source."""
    spokesperson = _SPEAKS_FOR.match(phrase)
    inner = _resolve_phrase(spokesperson.group("body"), sources=sources, cue=cue) if spokesperson else None
    if spokesperson is None and (staff := _STAFF_OF.match(phrase) or _STAFF_AFTER.match(phrase)):
        inner = _resolve_phrase(staff.group("body"), sources=sources, cue=cue)
        if inner is not None and inner.source.kind == "person" and not _CARE_PLACE.search(inner.source.name):
            return None  # "Anna Rell's staff": a person's people are no body's (a hospital's name reads like a person's)
    if inner is not None:
        inner.reason = f'"{_short(original)}" ({cue}; speaks for {inner.source.name})'
    return inner


def _speaking_head(phrase: str) -> str:
    """"hospital officials in the city of Ostrava" -> "hospital officials": the officials speak, not Ostrava."""
    head, *place = re.split(r"\s(?:in|at|from|near|across|outside|inside)\s", phrase, maxsplit=1)
    if head != phrase and _pick_proper_name(head) is None and _common_noun_phrase(head) and _SOURCE_NOUNS.search(head):
        return head
    if place and _ONE_SPEAKER.search(head) and re.match(r"(?:the\s|[\w-]+[’']s\s)", place[0]):
        return head
    return phrase


# A body or a role named by what it is and the place it serves: "the provincial health directorate of Merrow", "The
# mayor of Orrin", "the provincial hospital in Bressa", "Community leaders in Tamsa" (capitalised as the sentence
# opens). The whole phrase names the source; the place alone ("Merrow") is no one.
_BODY_OF_PLACE = re.compile(
    r"^(?:(?P<article>[Tt]he|[Aa]n?)\s+)?(?P<name>(?P<words>[A-Za-z][a-z-]*(?:\s+[a-z][a-z-]*){0,3})\s+(?:of|in)\s+"
    r"(?:the\s+)?[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)$")
_PLACE_SERVING_HEADS = frozenset({*GENERIC_HEADS, *PERSON_ROLES, *PLURAL_HEADS, "hospital", "clinic", "leaders",
                                  "elders", "administration", "officials", "authorities"})


def _body_of_place_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    named = _BODY_OF_PLACE.match(phrase)
    if named is None:
        return None
    words = named.group("words").split()
    if words[-1].lower() not in _PLACE_SERVING_HEADS:
        return None
    if words[0][0].isupper() and (named.group("article") or len(words) < 2 or any(
            name_key(words[0]) in name_key(m.name).split() for m in sources.mentions)):
        return None  # "the Ministry of Health" is a proper name; "Amnesty researchers in Orm" are Amnesty's
    name = named.group("name")
    source = sources.resolve_name(name[0].upper() + name[1:], context=original)
    if source is None:
        return None
    sources.mention(source)
    return SourceRef(source, 0.6, f'"{_short(original)}" ({cue}; a body named by what it is and where)')


def _proper_name_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    """A source named by its name ("the UN Human Rights Office", "Amnesty International")."""
    proper = _pick_proper_name(phrase, sources)
    owned = re.match(r"^(?:[Tt]he\s+)?(?P<name>[A-Z][\w’'-]*(?:\s+[\w’'-]+){1,6}?)\s*\((?P<acronym>[A-Z][A-Za-z-]*[A-Z])\)$", phrase)
    if owned and re.search(r"[’']s?\s+[a-z]", owned.group("name")):
        # "the United Nations' humanitarian office (OCHA)": the body the acronym stands for, not its owner
        proper = owned.group("name"), owned.group("acronym")
    if proper is None:
        return None
    name, acronym = proper
    source = sources.resolve_name(name, acronym=acronym, context=original)
    if source is None:
        return None
    described = phrase.split(name)[0]
    if name.endswith(source.name) and name != source.name:
        described += name[: -len(source.name)]  # "Governor Pavel Sokol": the title says how "the governor" is meant
    if re.search(rf"(?i)\b(?:{'|'.join(GENERIC_HEADS + ROLE_HEADS)})\b", described):
        sources.add_role(source, described)
    sources.mention(source)
    confidence = 0.85 if source.known else 0.75
    return SourceRef(source, confidence, f'"{_short(original)}" ({cue})')


# What a source is not: a place ("the village closest to the crater", "the worst-hit district"), or a part of the
# people counted ("among them a man the police ...").
_NO_SOURCE = re.compile(r"(?i)\b(?:village|town|city|district|region|province|area|crater|valley|island|coast|zone|"
                        r"neighbourhood|neighborhood|street|square|country|capital|closest|nearest|worst-hit)$|"
                        r"\b(?:closest|nearest)\b")
_NO_SOURCE_OPENING = re.compile(r"(?i)^(?:among|including|includ(?:ed|es))\b")


def _common_noun_ref(phrase: str, original: str, sources: Sources, cue: str) -> SourceRef | None:
    """A source named by what it is ("hospital officials"), or, after "the", one mentioned earlier."""
    common = _common_noun_phrase(phrase)
    if common is None:
        return None
    generic_head = re.search(rf"(?i)\b({'|'.join(GENERIC_HEADS)})$", common)
    if generic_head and re.match(r"(?i)^(?:the|this|its)\s", phrase):
        target = sources.by_head(generic_head.group(1))
        if target is not None and _modifiers_fit(common[: generic_head.start()], target, sources):
            return SourceRef(target, 0.65, f'"{phrase} {cue}" refers back to {target.name}')
    if re.match(r"(?i)^the\s", phrase) and " " not in common:
        # "the brigade" after "the provincial fire brigade": a body named before by the last word of its name
        target = next((m for m in reversed(sources.mentions) if len(m.name.split()) > 1
                       and name_key(m.name).split()[-1] == name_key(common)), None)
        if target is not None:
            return SourceRef(target, 0.65, f'"{phrase} {cue}" refers back to {target.name}')
    if _NO_SOURCE.search(common) or _NO_SOURCE_OPENING.match(phrase):
        return None  # "the village closest to the crater", "among them a man the police": no one who speaks
    if re.fullmatch(r"(?i)spokes(?:man|woman|person)", common) and re.match(r"(?i)an?\s", phrase):
        # "A spokesman said 1,200 of them ...": a spokesperson named by no body speaks for the body named before
        # ("the spokesperson" is one named before)
        target = next((s for s in [sources.last_attributed, *reversed(sources.mentions)] if s is not None
                       and s.kind != "person" and s is not sources.voice), None)
        if target is not None:
            return SourceRef(target, 0.6, f'"{_short(original)}" ({cue}; speaks for {target.name}, named before)')
    source = sources.resolve_name(common, context=original)
    if source is None:
        return None
    sources.mention(source)
    if source.kind == "person" and source.name.split()[-1] == common != source.name:
        return SourceRef(source, 0.7, f'"{_short(original)}" ({cue}; the surname of {source.name})')
    return SourceRef(source, 0.6, f'"{_short(original)}" ({cue}; an unnamed or generic source)')


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pick_proper_name(phrase: str, sources: Sources | None = None) -> tuple[str, str | None] | None:
    """The most source-like capitalised name in a phrase, with a parenthesised acronym if any."""
    candidates: list[tuple[int, str, str | None]] = []
    for match in _PROPER.finditer(phrase):
        name = re.sub(r"(?:\s+(?:of|for|the|and|on|de|in))+$", "", match.group())
        name = re.sub(r"[’']s$", "", name).strip(" .")
        name = re.sub(r"^(?:The|A|An)\s+", "", name)
        if not name or name in ("The", "A", "An") or name.lower() in PRONOUNS:
            continue
        acronym_match = _ACRONYM_AFTER.match(phrase[match.end() :])
        acronym = acronym_match.group("acronym") if acronym_match else None
        at_start = match.start() == 0 or phrase[: match.start()].strip().lower() in ("the", "a", "an")
        if len(name.split()) == 1 and not acronym and (name.isupper() or not at_start):
            head = _LOWERCASE_HEAD.match(phrase[match.end() :])
            if head:  # "the UN mission", "Al-Noor hospital": the body, not the place ("Two hospital officials": no)
                name = f"{name} {head.group(1)}"
        role = _ROLE_AFTER_PLACE.match(phrase[match.end() :])
        if role and not _ORGANISATION_WORDS.search(name) and not acronym:
            name = f"{name} {role.group(1)}"  # "the Port Amsel mayor": the mayor speaks, not the town
        institution = _POSSESSIVE_INSTITUTION.match(phrase[match.end() :]) or (
            # "Ardessa's defence ministry" is the ministry, not the "Ardessa Civilian Harm Monitor" named before
            _LOWERCASE_HEAD.match(phrase[match.end() :]) if len(match.group().split()) == 1 else None)
        if re.search(r"[’']s$", match.group()) and institution:
            name = f"{match.group()} {institution.group(1)}"  # "St Anne's hospital" is the hospital, not St Anne
        candidates.append((_name_score(name, phrase[match.end() :], at_start, sources), name, acronym))
    if not candidates:
        return None
    candidates.sort(key=lambda c: -c[0])
    best = candidates[0]
    if best[0] <= -1:
        return None
    return best[1], best[2]


def _name_score(name: str, after: str, at_start: bool, sources: Sources | None) -> int:
    """How source-like a capitalised name is, given the words after it."""
    words = name.split()
    score = 0
    if re.search(rf"(?i)\b(?:{'|'.join(GENERIC_HEADS)}|international|watch|rights|ministry|government|police|"
                 r"nations|assembly|times|news|television|red cross|red crescent|programme)\b", name) or name.isupper():
        score += 3
    if len(words) >= 2:
        score += 2
    if at_start and len(words) == 1 and not name.isupper() and not (sources and sources.knows(name)):
        score -= 2  # a sentence-initial capital is often just a common word ("Local", "Families")
        if name.lower() in _MODIFIER_WORDS and re.match(r"\s+[a-z]+s\b", after):
            score -= 4  # "Rights groups put the number at", "Aid agencies say": a common noun phrase, no name
    if _ROLE_NOUNS.search(after[:30]) and (name.isupper() or len(words) >= 2 or score >= 3):
        score += 1  # "WFP country director Anna Bell": the organisation speaks through its director
    if _DESCRIBES_NEXT.match(after):
        score -= 4  # "the United Nations children's agency UNICEF": the owner describes the body named after it
    return score


_MODIFIER_WORDS = frozenset("rights aid health opposition relief humanitarian medical security local government state "
                            "military hospital rescue human".split())
_DESCRIBES_NEXT = re.compile(rf"^(?:[’']s?)?\s+(?:[a-z][\w’'-]*\s+){{0,3}}(?:{'|'.join(GENERIC_HEADS)})\s+(?:[A-Z]{{2,}}\b|[A-Z][a-z]+\s+[A-Z])")
_ROLE_AFTER_PLACE = re.compile(r"^\s+((?:deputy\s+|acting\s+)?(?:mayor|governor|police chief|police|prosecutor|"
                               r"coroner|fire chief|fire service|health chief|district officer|council))\b")
_PLACE = re.compile(r"(?:[Tt]he\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?")
_POSSESSIVE_INSTITUTION = re.compile(
    r"^\s+(hospital|clinic|infirmary|hospice|school|college|university|church|cathedral|mosque|orphanage)\b")
_LOWERCASE_HEAD = re.compile(rf"^\s+((?:[a-z-]+\s+){{0,2}}?(?:{'|'.join(GENERIC_HEADS)}|hospital|clinic))\b")


# The word before "and" and the word after it, when "and" joins two speakers rather than two words of one name
# ("search and rescue teams"): a plural before it, or a count or article after it.
_SPEAKERS_JOINED = re.compile(r"(?i)^(?:[\w’'-]+[^s\W]s|[\w’'-]+\s+(?:a|an|the|one|two|three|four|five|several|some|\d+))\b")


def _common_noun_phrase(phrase: str) -> str | None:
    """ "Three hospital officials in the southern city of Ostrava" -> "hospital officials"."""
    words = phrase.split()
    kept: list[str] = []
    for index, word in enumerate(words):
        lowered = word.lower().strip(",")
        if lowered == "and" and kept and _SPEAKERS_JOINED.match(" ".join([kept[-1], *words[index + 1 : index + 2]])):
            # "two local officials and a hospital worker", "medical sources and residents": speakers named together,
            # each one a source of the figure; the first names them (batches 13 and 19 label either)
            break
        if lowered in ("in", "of", "at", "from", "for", "with", "on", "representing", "who", "which", "close", "near",
                       "contacted", "reached", "interviewed", "quoted", "speaking", "cited"):
            break
        if lowered in ("the", "a", "an", "some", "several", "three", "two", "four", "five", "many", "senior") \
                or re.match(r"^\d", lowered) or lowered in UNIT_WORDS:
            continue
        kept.append(word)
    if not kept or len(kept) > 5:
        return None
    text = " ".join(kept)
    if re.match(r"(?i)^(?:it|they|he|she|we|this|that|there|these|those|which|who|what|reports?|statement|figures?|"
                r"data|estimates?|count|tally|list|records|documents|files)$", text):
        return None
    return text


# --------------------------------------------------------------------------------------------
# Events, dates, the article's own voice
# --------------------------------------------------------------------------------------------


def find_event(sentence: str, paragraph_text: str, events: Sequence[KnownEvent]) -> tuple[str, str] | None:
    """A known event that the sentence (or else its paragraph) clearly names, with the words that did."""
    for scope, text in (("sentence", sentence), ("paragraph", paragraph_text)):
        hits = [(event, words) for event in events if (words := _event_mention(text, event))]
        if len(hits) == 1:
            event, words = hits[0]
            return event.id, f'the {scope} mentions "{words}"'
        if len(hits) > 1:
            return None
    return None


def _event_mention(text: str, event: KnownEvent) -> str | None:
    if event.name and re.search(re.escape(event.name), text, re.IGNORECASE):
        return event.name
    if event.start and len(event.start) >= 7:
        year, month = event.start[:4], int(event.start[5:7])
        month_name = MONTHS[month - 1].capitalize()
        match = re.search(rf"\b{month_name}\s+(?:\d{{1,2}},?\s+)?{year}\b", text)
        if match:
            return match.group()
    return None


_FULL_DATE = re.compile(
    rf"(?i)\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\s+(?P<y1>(?:19|20)\d\d)|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>(?:19|20)\d\d))\b"
)
_MONTH_YEAR = re.compile(rf"(?i)\b(?P<m>{_MONTH})\s+(?P<y>(?:19|20)\d\d)\b")
_YEAR_ONLY = re.compile(r"\b(?P<y>(?:19|20)\d\d)\b(?!\s*[-–]\s*\d)")


def guess_published(text: str, today: date) -> tuple[str, str]:
    """A publication date: a dated dateline, else the latest date mentioned (the article is no older)."""
    head = text[:600]
    match = _FULL_DATE.search(head)
    if match:
        return _iso(match), f'the dateline "{match.group()}"'
    mentioned: list[tuple[str, str]] = []
    for m in _FULL_DATE.finditer(text):
        mentioned.append((_iso(m), m.group()))
    for m in _MONTH_YEAR.finditer(text):
        mentioned.append((f"{m.group('y')}-{MONTH_NUMBER[m.group('m').lower().rstrip('.')]:02d}", m.group()))
    for m in _YEAR_ONLY.finditer(text):
        if int(m.group("y")) <= today.year:
            mentioned.append((m.group("y"), m.group()))
    if mentioned:
        latest = max(mentioned, key=lambda item: (item[0], len(item[0])))
        return latest[0], f'the latest date in the text, "{latest[1]}" (the article is no older than that)'
    return today.isoformat(), "no date in the text: today's date, as a placeholder"


def _iso(match: re.Match[str]) -> str:
    day = match.group("d1") or match.group("d2")
    month = (match.group("m1") or match.group("m2")).lower().rstrip(".")
    year = match.group("y1") or match.group("y2")
    return f"{year}-{MONTH_NUMBER[month]:02d}-{int(day):02d}"


_BYLINE = re.compile(r"(?im)^(?:written by|by)\s*:?\s*(?:\n\s*)?(?P<name>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3})\s*$")
_REPORTING_BY = re.compile(r"\((?:Reporting|Writing) by (?P<name>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3})")
_STATEMENT_BY = re.compile(r"(?i)^(?:(?:press|joint|official|public)\s+)?(?:statement|press release|communiqu[eé]|declaration|report)\s+(?:by|of|from)\s+(?P<name>.+?)(?:\s+(?:on|about|regarding|concerning)\b.*)?$")
_FIRST_PERSON = re.compile(r"\b(?:We|we|Our|our|us)\b")
# "Ministry of Information statement on the events in Belvar": the body before the word "statement".
_NAMED_STATEMENT = re.compile(
    r"^(?P<name>[A-Z][^:]{2,80}?)(?:[’']s)?\s+(?:statement|press release|communiqu[eé]|declaration|update|bulletin)\s+"
    r"(?:on|about|regarding|concerning)\b"
    # "Ministry of Interior: Statement on the events in Tarsk", "UN human rights office: Press briefing notes on ..."
    r"|^(?P<issuer>[A-Z][^:]{2,80}?):\s+(?i:(?:press|joint|official|public)\s+)?(?i:statement|press release|"
    r"communiqu[eé]|declaration|(?:press\s+)?briefing notes?|briefing)\b")  # updates: _official_issuer
# A briefing summary: "This is a summary of what was said by UNHCR spokesperson Olga Demir ...".
_SUMMARY_BY = re.compile(
    rf"(?i)\bwhat was said by (?:the\s+)?(?P<name>{_NAME})(?:[’']s)?\s+(?:spokes(?:person|man|woman)|representative)\b")
# A dateline before a press release's first sentence: "(London, 4 March 2025) –", "GENEVA, 3 May 2025 –".
_DATELINE = re.compile(r"^(?:\([^)]{0,60}\)|[A-Z][\w ,.'-]{0,40}?\d{4})\s*[-–—:]\s*")
# The organisation a press release names as the subject of its first sentence ("Freedom from Torture Tamsar
# today published ...").
_SUBJECT_NAME = re.compile(
    r"^(?:The\s+)?(?P<name>[A-Z][\w’'.&-]*(?:\s+(?:(?:of|for|from|the|and|on|de|du|al|el|in)\s+)*[A-Z][\w’'.&-]*)+)"
    r"(?:\s+\((?P<acronym>[A-Z][A-Za-z-]*[A-Z])\))?\s+(?:today\s+|has\s+|have\s+|had\s+|is\s+|are\s+)?[a-z]+(?:ed|s)\b")


# A release's first sentence often ends on its issuer: "..., Save the Children said today."
_ISSUER_SAID = re.compile(
    rf",\s+(?P<name>{_NAME})\s+(?:said|says|announced|reported|warned|stated)\s+(?:today|on \w+day)\b")
# "The Committee to Protect Journalists today called on ...": a release's issuer, acting today in its first words.
_ISSUER_TODAY = re.compile(
    r"^(?:The\s+)?(?P<name>[A-Z][\w’'.&-]*(?:\s+(?:(?:of|for|from|the|and|on|to|de|du|al|el|in)\s+)*[A-Z][\w’'.&-]*)+)"
    r"(?:\s+\((?P<acronym>[A-Z][A-Za-z-]*[A-Z])\))?\s+today\s+[a-z]+(?:ed|s)\b")
# The agencies whose name in a dateline marks a wire story, not a release by the body named there.
NEWS_AGENCY = re.compile(r"(?i)^(?:Reuters|AP|AFP|Associated Press|Agence France-Presse|dpa|ANSA|EFE|Xinhua|"
                         r"Bloomberg|UPI|PA|Kyodo|Yonhap|TASS|IANS|PTI|Anadolu|Bernama|Lusa|CNA)$")
# A body ending a release's first paragraph on what it said: ", the Committee to Protect Journalists said" (then when;
# also "..., Human Rights Watch said in a report released today", "said in a statement today")
_ISSUER_SAYS_WORDS = rf",\s+(?:the\s+)?(?P<name>{_NAME})\s+(?:said|says|announced|stated|warned)\s+"
_ISSUER_SAID_TODAY = re.compile(_ISSUER_SAYS_WORDS +
                                r"(?:in\s+(?:a|an|its)\s+(?:[\w-]+\s+){0,2}?(?:report|statement|briefing|release|letter)"
                                r"(?:\s+(?:released|published|issued))?\s+)?today\b")
_ISSUER_SAID_WEEKDAY = re.compile(_ISSUER_SAYS_WORDS +
                                  r"(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s*[.!]?\s*$")
# Titles of releases issued by a body: "Government of Ormand: update on ...", "Situation report No. 3".
_OFFICIAL_TITLE = re.compile(
    r"(?i)\b(?:update|statement|bulletin|situation report|sitrep|communiqu[eé]|press release|announcement)\b")
_ISSUER_CONFIRMS = re.compile(
    r"^(?:The\s+)?(?P<name>[A-Z][\w’'.&-]*(?:\s+(?:(?:of|for|the|and|on|de|du|al|el|in)\s+)*[A-Z][\w’'.&-]*)+)"
    r"(?:\s+\((?P<acronym>[A-Z][A-Za-z-]*[A-Z])\))?\s+(?:today\s+|has\s+|have\s+)?"
    r"(?:confirms|reports|announces|informs|states|said|says|reported|announced|confirmed)\b")


LIVE_TITLE = re.compile(r"(?i)^\s*live\b|\blive (?:updates?|blog|coverage|report)\b|\bas it happened\b|\blatest updates\b")
# A newsroom speaking of itself in a report ("our correspondent", "told us"): not a release in the first person.
NEWSROOM_FIRST_PERSON = re.compile(
    r"(?i)\bour (?:own )?(?:correspondents?|reporters?|team|staff|journalists?|colleagues|producers?|"
    r"photographers?|readers|live blog|coverage|sources?)\b|\b(?:told|tells|telling|sent|showed|shown) us\b|"
    r"\bwe (?:will|'ll|have verified|could not (?:independently )?verify|cannot (?:independently )?verify|"
    r"have not been able to verify|are (?:following|bringing|tracking))\b")


def _body_paragraphs(text: str) -> list[str]:
    """The paragraphs of a release after its title: lines of six words or more that end a sentence. A heading line
    under the title ("Corvenna National Police — Office of Public Affairs") or a subtitle ("Authorities Should Halt
    Hangings, Notify Families"), with no full stop, is no first paragraph."""
    return [line.strip() for line in text.splitlines()[1:]
            if len(line.split()) >= 6 and re.search(r"[.!?:][\"”’')]*\s*$", line)]


def _official_issuer(text: str, title: str) -> tuple[str, str] | None:
    """The body an official update opens on ("The National Emergency Operations Centre (NEOC) confirms that
    ..."): with no byline, what the update states in its own voice is that body's."""
    # the title, or a line under it ("Ministry of Internal Affairs" / "Press statement" / "4 November")
    heads = [title, *(line for line in text.splitlines()[1:4] if 0 < len(line.split()) < 6)]
    if not any(_OFFICIAL_TITLE.search(head) for head in heads):
        return None
    paragraphs = _body_paragraphs(text)
    for paragraph in paragraphs[:1]:
        subject = _ISSUER_CONFIRMS.match(_DATELINE.sub("", paragraph))
        if subject and (subject.group("acronym") or _ORGANISATION_WORDS.search(subject.group("name"))):
            name = subject.group("name")
            named = f"{name} ({subject.group('acronym')})" if subject.group("acronym") else name
            return named, f'the body the update "{_short(title.strip())}" opens on'
    return None


def guess_voice(text: str, title: str) -> tuple[str | None, str]:
    """Who speaks when the text attributes nothing: a byline, a "Statement by X" title, or the
    organisation named first in a press release written in the first person plural."""
    byline = _BYLINE.search(text[:2000]) or _REPORTING_BY.search(text)
    if byline:
        return byline.group("name"), f'the byline "{" ".join(byline.group().split())}"'
    statement = _STATEMENT_BY.match(title.strip()) or _NAMED_STATEMENT.match(title.strip())
    name = statement and (statement.groupdict().get("issuer") or statement.group("name"))
    if statement and name and (statement.re is _STATEMENT_BY or _ORGANISATION_WORDS.search(name)):
        return name, f'the title "{title.strip()}"'
    summary = _SUMMARY_BY.search(text[:1500])
    if summary:
        return summary.group("name"), f'a briefing summary: "{_short(summary.group())}"'
    if LIVE_TITLE.search(title):
        return None, ""  # a live blog's "we" and "our correspondent" are the newsroom's, not a body it names
    issuer = _official_issuer(text, title)
    if issuer is not None:
        return issuer
    lines = [title, *(line for line in text.splitlines()[1:4] if len(line.split()) >= 2 and not line.startswith("Press"))]
    letterhead = next(((line, name) for line in lines if (name := _letterhead(line)) is not None), None)
    if letterhead is not None:
        return letterhead[1], f'the letterhead "{_short(letterhead[0].strip())}"'
    name, reason = _first_person_issuer(text)
    if name:
        return name, reason
    name, reason = _release_issuer(text)
    if name:
        return name, reason
    if FLASH_UPDATE.search("\n".join(text.splitlines()[:4])):
        # OCHA's numbered flash updates often never name OCHA: the product's name is the issuer's
        return OCHA, 'a numbered "Flash Update" (OCHA\'s product) that names no other issuer'
    return None, ""


FLASH_UPDATE = re.compile(r"(?i)\bflash\s+update\s+(?:no\.?|number|#)\s*\d+")
OCHA = "UN Office for the Coordination of Humanitarian Affairs (OCHA)"
# The heading an official body prints its statements under: "Ministry of Health of the Republic of Kelmoor",
# "MINISTRY OF INTERNAL AFFAIRS", "Kostrava National Police". The body's word must open a name that goes on
# with "of" or close it, so that a headline in title case ("Police Fire Tear Gas ...") is not one.
_LETTERHEAD_BODY = (r"(?:Ministry|Office|Department|Agency|Service|Commission|Directorate|Police|Government|"
                    r"Presidency|Embassy|Authority|Command|Inspectorate|Prosecutor|Secretariat|Bureau|Council|"
                    r"Staff|Forces|Army|Navy|Gendarmerie)")
_SMALL_WORDS = frozenset("of for the and on to de du in".split())


# "Corvenna National Police — Office of Public Affairs": the body, then the office of it that issues the release
_LETTERHEAD_OFFICE = re.compile(r"\s+[—–-]\s+(?:(?:Press|Public|Media|Information|Communications?)\s+)*"
                                r"(?:Office|Service|Department|Unit|Centre|Center|Bureau|Division)\b.*$")


def _letterhead(title: str) -> str | None:
    title = _LETTERHEAD_OFFICE.sub("", title.strip())
    words = title.strip().split()
    if not 1 <= len(words) <= 12 or re.search(r"[^\w\s’'&-]", title.strip()):
        return None
    if title.strip().isupper():
        words = [w.lower() if w.lower() in _SMALL_WORDS and i else w.capitalize() for i, w in enumerate(words)]
    name = " ".join(words)
    if not re.fullmatch(_NAME, name):
        return None
    # (any of its body words: "Brask Metropolitan Police Service" closes on "Service", not on "Police")
    if not any(body.end() == len(name) or name[body.end() :].startswith(" of ")
               for body in re.finditer(rf"\b{_LETTERHEAD_BODY}\b", name)):
        return None
    return name


def _release_issuer(text: str) -> tuple[str | None, str]:
    """A press release that does not say "we" still names its issuer where a wire story names its agency:
    in the dateline ("GENEVA (ICRC) –"), as the subject its first sentence opens on with "today" ("The
    Committee to Protect Journalists today called on ..."), or as the body its first sentence ends on "said
    today". A wire story (a "(Reuters)" dateline) quoting a body the same way keeps its own voice. A subtitle under
    the title ("Authorities Should Halt Hangings, Notify Families", no full stop) is no first paragraph."""
    paragraphs = _body_paragraphs(text)
    if not paragraphs:
        return None, ""
    dateline = WIRE_DATELINE.match(paragraphs[0])
    if dateline:
        issuer = re.search(r"\((?P<name>[A-Za-z .]+)\)\s*[-–—]+\s+$", dateline.group())
        if issuer and not NEWS_AGENCY.match(issuer.group("name").strip()) and issuer.group("name").strip().isupper():
            return issuer.group("name").strip(), f'a press release: its dateline "{_short(dateline.group().strip())}"'
        return None, ""
    body = _DATELINE.sub("", paragraphs[0])
    opening = _ISSUER_TODAY.match(body)
    if opening and (opening.group("acronym") or _ORGANISATION_WORDS.search(opening.group("name"))):
        name = opening.group("name")
        named = f"{name} ({opening.group('acronym')})" if opening.group("acronym") else name
        return named, f'a press release: its first sentence opens "{_short(opening.group())}"'
    said = _ISSUER_SAID_TODAY.search(body)
    if said is None and body != paragraphs[0]:
        # under a dateline of its own ("New York, December 3, 2026 —"), "the Committee to Protect Journalists said
        # Thursday" ends a release's first paragraph as "said today" does
        said = _ISSUER_SAID_WEEKDAY.search(body)
    if said is None or not (_ORGANISATION_WORDS.search(said.group("name")) or len(said.group("name").split()) >= 2):
        return None, ""
    return said.group("name"), f'a press release: its first paragraph ends "{_short(said.group().lstrip(", "))}"'


def _first_person_issuer(text: str) -> tuple[str | None, str]:
    """For a press release written as "we"/"our", the organisation it names first."""
    if not _FIRST_PERSON.search(NEWSROOM_FIRST_PERSON.sub("", _without_quotations(text))):
        return None, ""
    first_person = 'the text speaks in the first person plural ("we", "our"): the organisation it names first'
    paragraphs = [line.strip() for line in text.splitlines()[1:] if len(line.split()) >= 6]
    for paragraph in paragraphs[:3]:
        body = _DATELINE.sub("", paragraph)
        subject = _SUBJECT_NAME.match(body)
        if subject and (subject.group("acronym") or len(subject.group("name").split()) >= 3
                        or _ORGANISATION_WORDS.search(subject.group("name"))):
            name = subject.group("name")
            return f"{name} ({subject.group('acronym')})" if subject.group("acronym") else name, first_person
        said = _ISSUER_SAID.search(body)
        if said:
            return said.group("name"), first_person
        for match in _PROPER.finditer(body):
            acronym = _ACRONYM_AFTER.match(body[match.end() :])
            name = re.sub(r"^(?:The|A|An)\s+", "", _before_sentence_end(match.group()))
            if acronym or _ORGANISATION_WORDS.search(name):
                return f"{name} ({acronym.group('acronym')})" if acronym else name, first_person
        if re.search(r"[.!?]", paragraph):
            break  # past a first sentence; only lines such as "Press release – 18 February 2025" are skipped
    return None, ""


def _before_sentence_end(name: str) -> str:
    """A run of capitalised words read as a name stops where a sentence ends: "the so-called Northern Front. Nine
    others surrendered" names the "Northern Front" (a full stop after a word of three or more small letters is no
    abbreviation's, as in "St. Anne" or "U.N. Agency")."""
    return re.split(r"(?<=[a-z]{3})\.\s", name, maxsplit=1)[0]


def _without_quotations(text: str) -> str:
    return re.sub(r"“[^”]*”|\"[^\"]*\"", "", text)


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------


def extract(
    text: str,
    *,
    document_id: str,
    text_file: str,
    title: str | None = None,
    event: str | None = None,
    author: str | None = None,
    published: str | None = None,
    catalog: Catalog | None = None,
    today: date | None = None,
) -> Draft:
    """Propose claims for every figure-bearing statement in ``text``, each marked with its guesses."""
    catalog = catalog or Catalog()
    today = today or date.today()
    sources = Sources(catalog)
    sources.text = text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    guessed_title = title or (lines[0] if lines else document_id)
    # A story pasted without its headline opens on its lead ("KESSARIN, April 9 (Reuters) - A road bridge
    # ..."): the lead names the document but is read like any other paragraph, not skipped as a headline.
    opens_on_lead = title is None and bool(lines) and _is_lead(lines[0])
    if opens_on_lead:
        guessed_title = _short(WIRE_DATELINE.sub("", lines[0]), 100)
    stored = catalog.document_with_text(text)
    if stored is not None:  # extracted before: its id, title and date stay as stored
        document = ProposedDocument(stored.id, stored.title, text_file, published=stored.published, known=True)
    else:
        document = ProposedDocument(document_id, guessed_title, text_file)
        if title is None:
            document.notes.append("title: the opening words of the lead (the text has no headline)" if opens_on_lead
                                  else "title: the first line of the text")
        if published is None:
            document.published, why = guess_published(text, today)
            document.notes.append(f"published: {why}")
        else:
            document.published = published
    voice_name, voice_reason = (author, "--author") if author else guess_voice(text, guessed_title)
    voice = _voice_source(sources, voice_name, voice_reason, document)
    sources.voice = voice
    document.author = voice.name if voice.kind == "person" and voice_name else None
    claims = _without_repeats(_restated(_claims(text, "" if opens_on_lead else guessed_title, sources, voice, catalog,
                                                event), voice))
    if stored is not None:
        claims = [c for c in claims if not _already_stored(c, stored)]
    propose_supersedes(claims, document.id)
    used_ids = {c.source for c in claims} | {c.via for c in claims if c.via}
    if any(c.source == voice.id for c in claims) or voice.known:
        used_ids.add(voice.id)
    draft_sources = [s for s in sources.used.values() if s.id in used_ids]
    metrics = sorted({f.metric for c in claims for f in c.figures} - set(catalog.metrics))
    metric_rows = [(m, *METRIC_DEFINITIONS.get(m, (m.replace("_", " ").capitalize(), "people"))) for m in metrics]
    events: list[tuple[str, str]] = []
    if event is not None and event not in {e.id for e in catalog.events}:
        events.append((event, event.replace("-", " ").replace("_", " ").capitalize()))
    return Draft(document, claims, draft_sources, metric_rows, events, voice.id)


def _is_lead(line: str) -> bool:
    """A first line that is a story's lead, not its headline: a wire dateline, or a long punctuated sentence."""
    return bool(WIRE_DATELINE.match(line)) or (len(line.split()) >= 25 and bool(re.search(r"[.!?][\"”’']?$", line)))


def _already_stored(claim: ProposedClaim, document: KnownDocument) -> bool:
    """Whether the database already has this claim: the same source with the same quote, or with
    every figure it proposes (a reviewer may have trimmed the quote)."""
    quote = " ".join(claim.quote.split())
    figures = {(f.metric, f.figure.low, f.figure.high) for f in claim.figures}
    return any(known.source == claim.source and (known.quote == quote or figures <= known.figures)
               for known in document.claims)


def _restated(claims: list[ProposedClaim], voice: ProposedSource) -> list[ProposedClaim]:
    """A claim no cue attributed (the text's own voice) whose every figure a named source gives elsewhere in the
    text (the same metric and figure) restates that source's count: a summary bullet, a lead or a standfirst above
    the attributed sentence, or a recap below it. It becomes that source's, when exactly one source gives them."""
    given: dict[tuple[str, tuple[str | None, float | None, float | None, float | None]], set[tuple[str, str | None]]] = {}
    for claim in claims:
        if claim.source != voice.id:
            for f in claim.figures:
                given.setdefault(_figure_key(f), set()).add((claim.source, claim.via))
    for claim in claims:
        if claim.source != voice.id or not claim.source_reason.startswith(NO_CUE):
            continue
        givers = [given.get(_figure_key(f), set()) for f in claim.figures]
        common = set.intersection(*givers) if givers else set()
        if len(common) != 1:
            continue
        (source, via), = common
        claim.source, claim.via = source, via
        claim.source_reason = f"the same figures the text gives from {source} elsewhere: this restates them"
        claim.confidence = min(claim.confidence, 0.5)
        claim.reason = "; ".join([claim.source_reason, *(f.reason for f in claim.figures)])
    return claims


def _figure_key(figure: ProposedFigure) -> tuple[str, tuple[str | None, float | None, float | None, float | None]]:
    return figure.metric, (figure.figure.qualifier, figure.figure.value, figure.figure.low, figure.figure.high)


def _without_repeats(claims: list[ProposedClaim]) -> list[ProposedClaim]:
    """One claim per source and quote: a repeated sentence (a standfirst, a pull quote) is one claim,
    and the importer would refuse the second as a duplicate."""
    seen: set[tuple[str, str | None, str]] = set()
    kept = []
    for claim in claims:
        key = (claim.source, claim.via, " ".join(claim.quote.split()))
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return kept


def _voice_source(sources: Sources, name: str | None, reason: str, document: ProposedDocument) -> ProposedSource:
    if name:
        # "Spokesperson for the UN High Commissioner for Human Rights": a spokesperson's words are the body's
        spoken_for = _SPEAKS_FOR.match(name)
        name = spoken_for.group("body") if spoken_for else name
        acronym = re.search(r"\((?P<a>[A-Z][A-Za-z-]+)\)\s*$", name)
        plain = re.sub(r"\s*\([^)]*\)\s*$", "", name)
        source = sources.resolve_name(plain, acronym=acronym.group("a") if acronym else None)
        if source is not None:
            if not source.known:
                source.note = f"the article's own voice, from {reason}; {source.note}"
                # "Ministry of Health of the Republic of Kelmoor" calls itself "the Ministry of Health" elsewhere
                short = re.sub(r"\s+of\s+the\s+(?:Republic|Kingdom|State|Federation|Union|Principality)\s+of\s+.+$",
                               "", source.name)
                if short != source.name and short not in source.aliases:
                    source.aliases.append(source.name)
                    source.name = short
            sources.mention(source)
            return source
    placeholder = ProposedSource(
        f"author-of-{document.id}"[:200], f"Author of “{_short(document.title, 120)}”", "person",
        note="the article's own voice; no byline found: replace with the author or publisher")
    sources.used[placeholder.id] = placeholder
    return placeholder


@dataclass
class _Pending:
    sentence: Sentence
    ref: SourceRef | None
    span: FigureSpan
    guess: MetricGuess
    cue: tuple[int, int] | None = None  # where the words attributing it are in the sentence
    earlier_edition: bool = False  # "up from 38 reported in Flash Update No. 2": the text's own earlier figure


def _claims(text: str, title: str, sources: Sources, voice: ProposedSource, catalog: Catalog,
            event: str | None) -> list[ProposedClaim]:
    sentences = split_sentences(text)
    paragraphs: dict[int, str] = {}
    for s in sentences:
        paragraphs[s.paragraph] = (paragraphs.get(s.paragraph, "") + " " + s.text).strip()
    claims: list[ProposedClaim] = []
    topic: str | None = None
    earlier_topic: str | None = None
    carried: SourceRef | None = None  # the attributed source of the sentence before, in this paragraph
    section: Section | None = None  # who speaks where nothing else says: a speaker line or a lead-in line
    leading_in = False  # this paragraph is the one that set the section
    speaker: SourceRef | None = None  # who the sentence before named, in this paragraph
    quoting: SourceRef | None = None  # who the quotation before was given to: a quotation opening next is theirs
    key_figures = False  # inside a "Key figures" list, which restates the body
    last_paragraph = 0
    seen_values: set[tuple[str, float | None, float | None]] = set()
    stated = frozenset(span.figure.value for span in find_figures(text) if span.figure.value is not None)
    closes = _quotations_closing_later(sentences)
    quoted_until, quoted_by = -1, None  # a quotation over several sentences: the last one before its close, its speaker
    for index, sentence in enumerate(sentences):
        if sentence.paragraph != last_paragraph:
            # "37 of them", "put the total at" reach back to what the paragraphs before were counting
            earlier_topic = topic or earlier_topic
            topic, carried, speaker, last_paragraph = None, None, None, sentence.paragraph
            quoting = None
            before, section = section, _section_at(paragraphs[sentence.paragraph], sources, section, voice)
            leading_in = section is not before  # the paragraph that names the section's speaker
            sources.voice = section.ref.source if section is not None and section.speaker else voice
        if ABOUT_THE_ISSUER.match(paragraphs[sentence.paragraph].strip()):
            continue  # "CPJ is an independent, nonprofit organization that ...": boilerplate about the issuer
        if KEY_FIGURES_HEADING.match(sentence.text.strip()):
            key_figures = True
            continue
        if key_figures and BULLET.match(sentence.text) and _restated_below(sentence, text):
            find_cues(sentence.text, sources)  # its source, named here first, is the one the body refers back to
            continue
        key_figures = False
        _note_entry(sentence.text, sources)
        if _is_heading(sentence, title):
            continue
        if sentence.paragraph <= 3 and _is_headline(sentence) and _restated_below(sentence, text, rounded=True):
            continue  # a second headline or standfirst under a "Press release" line restates the body
        _remember_mentions(sentence.text, sources)
        if index in closes:
            # '"We found 40 bodies in the first village. Twelve more are missing," said Anna Rell': the speaker after
            # the closing mark speaks the whole quotation
            quoted_until, quoted_by = closes[index] - 1, _speaker_after_quotation(sentences[closes[index]], sources)
        in_quotation = index <= quoted_until and quoted_by is not None
        if in_quotation:
            quoting = quoted_by
        cues = _sentence_cues(sentence, sources, quoting, section, in_quotation)
        if section is not None and not section.speaker and not leading_in \
                and sentence.start == _paragraph_start(sentences, sentence) and _opens_with_speaker(sentence.text, cues, section):
            # a new paragraph that names its own speaker first ends a table's lead-in (not the lead-in itself: "The
            # figures below come from the centre, which compiles reports from hospitals")
            section = None
        continuation = _going_on(sentence.text, cues, quoting=quoting, carried=carried, speaker=speaker,
                                 sources=sources, in_quotation=in_quotation)
        fallback = continuation or (section.ref if section is not None else None)
        pending = _pending(sentence, cues, fallback, topic or earlier_topic, seen_values, sources.voice, stated)
        topic = _topic_after(sentence.text, pending, topic)
        claims.extend(_group(sentence, pending, voice, sources, catalog, event, paragraphs))
        attributed = [item.ref for item in pending if item.ref is not None and not item.earlier_edition]
        carried = attributed[-1] if attributed else (carried if continuation else None)
        # "X said ... at least 45 critics." then "29 of them ...": a part of what X counted, even when the
        # figure before was not read
        speaking = [c.ref for c in cues if not c.ref.anaphoric]
        speaker = attributed[-1] if attributed else speaking[-1] if speaking else None
        quoting = _quotation_speaker(sentence, cues, quoting)
        sources.spoke(attributed[-1].source if attributed else speaking[-1].source if speaking
                      else _acting_body(sentence.text, sources))
    return claims


# A sentence whose subject is a body doing something other than giving a figure: "The interior ministry has issued
# its first statement.", "The Red Cross, which runs the camp, has sent two surgical teams."
_ACTING_BODY = re.compile(
    rf"^(?:[Tt]he\s+)?(?P<body>(?:[\w’'-]+\s+){{0,3}}?(?i:{'|'.join(GENERIC_HEADS)}|coast\s?guard|navy|army|police)"
    rf"|{_NAME})(?:,[^,;:“”\"]{{1,120}},)?\s+(?:(?:has|have|had)\s+)?(?:[a-z]+ly\s+)?(?:[a-z]{{3,}}ed|sent|issued|begun|began|"
    r"made|held|set up|taken|took|built|tells|disputes|denies|rejects|contests|disagrees|insists|maintains|"
    # "The Kessal Student Council, which called the first march, keeps a list.": the "its figures" after are its
    r"keeps|kept|runs|ran|publishes|compiles)\b")


def _acting_body(sentence: str, sources: Sources) -> ProposedSource | None:
    """The body a sentence that names no speaker opens on, acting: whom "It says ..." in the next sentence means."""
    # (a live blog's time stamp is no part of the sentence: "14:15 The interior ministry denies that ...")
    opening = _ACTING_BODY.match(re.sub(_CLOCK + r"\s+", "", sentence, count=1))
    if opening is None or guess_kind(opening.group("body"))[0] not in ("ngo", "government", "intergovernmental") \
            and not _ORGANISATION_WORDS.search(opening.group("body")):
        return None
    ref = _resolve_phrase(opening.group("body"), sources=sources, cue="acting")
    return None if ref is None or ref.anaphoric or ref.source.kind == "person" else ref.source


@dataclass(frozen=True)
class _Candidate:
    ref: SourceRef | None
    score: int
    why: str


def _quotations_closing_later(sentences: Sequence[Sentence]) -> dict[int, int]:
    """For each sentence that opens a quotation closed only in a later sentence of its paragraph, that sentence's
    index (curly marks open and close; a straight mark closes what is open, else opens)."""
    closes: dict[int, int] = {}
    opened: int | None = None
    for index, sentence in enumerate(sentences):
        if opened is not None and sentences[opened].paragraph != sentence.paragraph:
            opened = None  # a quotation not closed by the paragraph's end: nothing is known of its speaker
        for mark in re.findall(r"[“”\"]", sentence.text):
            if mark == "“" or (mark == '"' and opened is None):
                opened = index
            else:
                if opened is not None and opened != index:
                    closes[opened] = index
                opened = None
    return closes


def _speaker_after_quotation(sentence: Sentence, sources: Sources) -> SourceRef | None:
    """The speaker right after the mark closing a quotation opened in an earlier sentence ('... missing," said Anna
    Rell.'), or None."""
    close = re.search(r"[”\"]", sentence.text)
    if close is None:
        return None
    for cue in find_cues(sentence.text, sources):
        if 0 <= cue.start - close.end() <= 100 and not re.search(r"[.;“”\"]", sentence.text[close.end() : cue.start]):
            return cue.ref
    return None


def _going_on(sentence: str, cues: Sequence[Cue], *, quoting: SourceRef | None, carried: SourceRef | None,
              speaker: SourceRef | None, sources: Sources, in_quotation: bool = False) -> SourceRef | None:
    """Who speaks, for a sentence's figures that no cue of their own governs, among the speakers of the text
    before: each candidate has a score, the highest wins, and with none the section's speaker or the text's own
    voice speak.

    ====  =======================================================================================================
    4     the speaker of the quotation before, for a sentence that opens on a quotation mark and names nobody
    3     the source of the sentence before, for a sentence that says it goes on (``A further``, ``Of them``, ``Most
          were``), even when that is nobody
    2     the speaker of the sentence before (the source of its figures, else whom it named speaking, with or
          without figures), for a sentence naming nobody that opens on a count, is a bare count (``Now it is
          35.``), counts a part of what the one before counted, has ``It`` or ``They`` go on acting, or is about
          what was claimed (``Claims that 200 people died are false`` after ``Contrary to reports circulated by
          X``)
    2     whom ``she``, ``he`` or ``they`` refers to, for a sentence naming nobody whose pronoun keeps a record
          (``she has written 96 names``, ``They have a list ... of 213 men``): the record's owner counts
    ====  =======================================================================================================
    """
    candidates: list[_Candidate] = []
    if not cues and quoting is not None and (in_quotation or QUOTE_OPENS.match(sentence)):
        candidates.append(_Candidate(quoting, 4, "a quotation going on from the sentence before"))
    if CONTINUATION.match(sentence):
        candidates.append(_Candidate(carried, 3, "a sentence going on in words from the one before"))
    if not cues:
        # (a speaker who gave no figure goes on only into a count that refers back: "Six others from the crew")
        if _opens_with_count(sentence) or _bare_count(sentence):
            before = carried or (speaker if _REFERS_BACK.match(sentence) else None)
            candidates.append(_Candidate(before, 2, "a count going on from the sentence before"))
        elif _counts_part_of_before(sentence) or SPEAKER_ACTS.match(sentence) or _CLAIMED.match(sentence):
            candidates.append(_Candidate(speaker, 2, "a sentence going on with the speaker before"))
        record = _PRONOUN_RECORDS.match(sentence)
        if record is not None:
            pronoun = record.group("pronoun")
            candidates.append(_Candidate(_pronoun_ref(pronoun, pronoun, sources, record.group("verb")), 2,
                                         f'"{pronoun} {record.group("verb")}", a pronoun keeping a record'))
    best = max(candidates, key=lambda c: c.score, default=None)
    return _carried(best.ref, best.why) if best is not None else None


_REFERS_BACK = re.compile(r"(?i)^\W*(?:[\w,-]+\s+){1,3}?(?:others|more)\b")
# "Claims that 200 people have died in the province are false", "Reports that 15 villagers were killed": what was
# claimed, by whoever the text named claiming it.
_CLAIMED = re.compile(r"(?i)^(?:the\s+)?(?:claims?|reports?|allegations?|rumou?rs?|assertions?)\s+that\b")
# "She has written 96 names", "They have a list, typed on a borrowed laptop, of 213 men", "He keeps a tally of 40".
_PRONOUN_RECORDS = re.compile(
    r"^(?:[A-Z][A-Za-z ]{0,60}?(?:,\s*|\s))?(?P<pronoun>[Ss]he|[Hh]e|[Tt]hey)\s+(?:also\s+)?(?:(?:has|have|had)\s+)?"
    r"(?P<verb>(?:written|wrote|kept|keeps?|counted|counts?|recorded|records?|listed|lists?|compiled|compiles?|"
    r"noted|notes?)\b(?:\s+down)?|(?:has|have|had|keeps?|kept)\s+(?:a|an)\s+(?:[\w-]+\s+)?(?:list|tally|register|record|"
    r"ledger|count)\b)")


def _sentence_cues(sentence: Sentence, sources: Sources, quoting: SourceRef | None, section: Section | None,
                   in_quotation: bool = False) -> list[Cue]:
    cues = _speakers_own(find_cues(sentence.text, sources), sentence, quoting, sources, in_quotation)
    if section is not None and not section.speaker:
        # "Figures compiled by the centre: ... Pelen recorded 2 deaths": under a table's lead-in, a row's place
        # (a single unknown name) is no speaker
        cues = [c for c in cues if not _is_a_place_row(c)]
    return cues


def _is_a_place_row(cue: Cue) -> bool:
    source = cue.ref.source
    return not source.known and source.kind in ("other", "person") and bool(re.fullmatch(r"[A-Z][a-z’'-]+", source.name))


def _speakers_own(cues: list[Cue], sentence: Sentence, quoting: SourceRef | None, sources: Sources,
                  in_quotation: bool = False) -> list[Cue]:
    """'"We have recorded 41 deaths ..."' after '"...," said Dr Lena Fors.': in a quotation that goes on with its
    speaker, "we" is the speaker's, not the text's own voice."""
    if quoting is not None and (in_quotation or QUOTE_OPENS.match(sentence.text)) and cues \
            and all(c.ref.source is sources.voice and not c.ref.anaphoric for c in cues):
        return []
    return cues


def _pending(sentence: Sentence, cues: Sequence[Cue], fallback: SourceRef | None, topic: str | None,
             seen_values: set[tuple[str, float | None, float | None]], voice: ProposedSource | None,
             stated: frozenset[float] = frozenset()) -> list[_Pending]:
    """The sentence's figures with their metric and source; ``fallback`` speaks where no cue governs, the
    text's ``voice`` gives what an earlier edition of it reported, and the numbers ``stated`` anywhere in the text
    show which day-by-day counts are steps to a total."""
    pending: list[_Pending] = []
    steps = _day_by_day_steps(sentence.text, stated)
    previous: tuple[FigureSpan, MetricGuess] | None = None
    # "Lawyers for the strikers say at least five of them have been moved to the prison hospital": whom the speaker
    # speaks for says nothing of what the figures after count
    said = _without_speakers_modifiers(sentence.text, cues)
    for span in find_figures(sentence.text):
        if any(c.speaker and c.speaker[0] <= span.start < c.speaker[1] for c in cues):
            continue  # a number describing the speaker, not a claim
        if span.start in steps:
            continue  # "14 bodies yesterday and five today" where the text gives the 19: steps to the total
        key = (span.figure.qualifier, span.figure.low, span.figure.high)
        if re.search(r"(?i)\bthe\s+$", sentence.text[: span.start]) and key in seen_values:
            continue  # "the two deaths": a figure mentioned before, not a new claim
        guess = guess_metric(said, span, previous, topic)
        if guess is None:
            continue
        previous = (span, guess)
        seen_values.add(key)
        cue = _governing(cues, span, sentence.text)
        ref = cue.ref if cue is not None else fallback
        edition = REPORTED_IN_EARLIER_EDITION.match(sentence.text[span.end :])
        if edition and voice is not None:
            # "63 people have died, up from 38 reported in Flash Update No. 2": the update's own earlier figure
            # (without "reported in", "up from 61 in Flash Update No. 2" is the earlier figure of the body quoted)
            reason = f'"{edition.group().strip()}": an earlier edition of this text ({voice.name})'
            pending.append(_Pending(sentence, SourceRef(voice, 0.6, reason), span, guess, earlier_edition=True))
            continue
        pending.append(_Pending(sentence, ref, span, guess, (cue.start, cue.end) if cue is not None else None))
    return pending


# A day after a count: "14 bodies yesterday", "five today", "40 on Monday", "12 overnight".
_DAY_AFTER = re.compile(rf"(?i)^\s*(?:[a-z-]+\s+){{0,5}}?(?:(?:on\s+)?{_WEEKDAY}|yesterday|today|tonight|overnight|"
                        rf"(?:last|this)\s+(?:night|morning|afternoon|evening))\b")


def _day_by_day_steps(sentence: str, stated: frozenset[float]) -> set[int]:
    """Where counts day by day ("We received 14 bodies yesterday and five today") add up to a total the text
    states elsewhere (the 19 dead): the steps on the way to it, which are no claims (where the counts start)."""
    spans = find_figures(sentence)
    steps: set[int] = set()
    for first, second in zip(spans, spans[1:], strict=False):
        day = _DAY_AFTER.match(sentence[first.end : second.start])
        if day is None or not re.fullmatch(r"\s*,?\s*and\s+", sentence[first.end + day.end() : second.start]) \
                or not _DAY_AFTER.match(sentence[second.end :]):
            continue
        if first.figure.value is not None and second.figure.value is not None \
                and first.figure.value + second.figure.value in stated:
            steps |= {first.start, second.start}
    return steps


def _without_speakers_modifiers(sentence: str, cues: Sequence[Cue]) -> str:
    """The sentence with the words after "for" or "of" in each speaker's name blanked ("Lawyers for the strikers",
    "Doctors at the burns unit"), the same length so figures keep their places."""
    text = sentence
    for cue in cues:
        if cue.speaker is None:
            continue
        start, end = cue.speaker
        modifier = re.search(r"\s(?:for|of|at|from)\s+(?:the\s+)?[a-z][^,;]*$", text[start:end])
        if modifier is not None and not re.search(r"\d", modifier.group()):
            text = text[: start + modifier.start()] + " " * len(modifier.group()) + text[start + modifier.end() : ]
    return text


# The paragraph at the foot of a press release that describes its issuer, or one under an "About X" line:
# what the organisation has counted over its history is no claim about the events of the release.
ABOUT_THE_ISSUER = re.compile(
    rf"^(?:About\s+[^\n.]{{1,80}}$|(?:The\s+)?{_NAME}(?:\s*\([A-Z][A-Za-z-]+\))?\s+is\s+(?:an?|the)\s+"
    r"(?:[\w-]+,?\s+){0,5}(?:organi[sz]ation|charity|NGO|group|movement|network|association|federation|agency)\b)")


# A summary list at the top of an update or live blog ("KEY FIGURES", "Key points", "Summary"): a bullet
# whose figures the body gives again restates the body, and is not a claim of its own.
KEY_FIGURES_HEADING = re.compile(
    r"(?i)^(?:key (?:figures|points|facts|numbers|events|developments)|at a glance|in numbers|highlights|the numbers|"
    r"summary|in summary|what we know(?: so far)?|(?:the )?latest|recap)\s*:?$")
BULLET = re.compile(r"^\s*(?:[-–—•*·▪]|\d+[.)])\s")


def _is_headline(sentence: Sentence) -> bool:
    return not re.search(r"[.!?…][\"”’']?$", sentence.text.strip())


def _restated_below(sentence: Sentence, text: str, *, rounded: bool = False) -> bool:
    # A bullet naming its own source restates the body too when the body gives all its figures again
    # ("At least 212 confirmed dead, interior ministry says"); one whose figures the body lacks is a claim.
    # A headline or standfirst may round what the body states ("injures more than 100" over "112 people were
    # being treated"): with ``rounded``, a figure the body's falls within restates it too.
    later = find_figures(text[sentence.start + len(sentence.text) :])
    below = {_restated_number(s.figure) for s in later}
    return all(_restated_number(s.figure) in below or (rounded and any(_within(b.figure, s.figure) for b in later))
               for s in find_figures(sentence.text))


def _within(stated: Figure, rounded: Figure) -> bool:
    """Whether a figure stated exactly falls within the bounds a rounded or vague one allows."""
    number = stated.value if stated.value is not None else stated.low
    return rounded.qualifier != "exact" and number is not None and (rounded.low is not None or rounded.high is not None) \
        and (rounded.low is None or number >= rounded.low) and (rounded.high is None or number <= rounded.high)


def _restated_number(figure: Figure) -> tuple[float | None, ...]:
    """What a summary restates: the number, whatever qualifier either place gives it ("At least 212" and "212")."""
    return (figure.value,) if figure.value is not None else (figure.low, figure.high)


@dataclass(frozen=True)
class Section:
    """Who speaks in the paragraphs after a line that names them, until something else does."""

    ref: SourceRef
    speaker: bool  # a speaker line ("UNHCR spokesperson Olga Demir: ..."): "we" is that body too


_SPEAKER_NAME = r"(?:[A-Z][\w’'.&-]*)(?:\s+(?:(?:of|for|the|and|on|de|du|al|el|in|&)\s+)*[A-Z][\w’'.&-]*)*"
# Briefing notes give each speaker a line: "OHCHR spokesperson Marta Klein: We are alarmed ...",
# "Spokesperson for the UN High Commissioner for Human Rights: Liz Throssell".
SPEAKER_LINE = re.compile(
    rf"^(?:(?:The\s+)?(?P<body>{_SPEAKER_NAME})\s+(?:spokes(?:person|man|woman)|representative|chief|head)"
    rf"(?:\s+{_SPEAKER_NAME})?|Spokes(?:person|man|woman)\s+for\s+(?:the\s+)?(?P<for>{_SPEAKER_NAME}))\s*:\s*")


def _section_at(paragraph: str, sources: Sources, section: Section | None, voice: ProposedSource) -> Section | None:
    """The speaker a paragraph sets for the paragraphs after it: a speaker line, or a line leading into a
    table ("Figures compiled by the National Disaster Authority, as of 6 May:"); else the one before goes on."""
    speaker = SPEAKER_LINE.match(paragraph)
    if speaker:
        body = speaker.group("body") or speaker.group("for")
        source = sources.resolve_name(body, context="spokesperson")
        if source is not None:
            sources.mention(source)
            return Section(SourceRef(source, 0.65, f'the speaker line "{_short(speaker.group().strip(" :"))}"'), True)
    if paragraph.rstrip().endswith(":") or _LEAD_IN_BELOW.search(paragraph):
        cues = [c for c in find_cues(paragraph, sources) if c.ref.source is not voice]
        # "Its figures, compiled from court records, prison sources and families, year by year:": the owner of the
        # figures, not what they were compiled from
        ref = _lead_in_owner(paragraph, sources) or (cues[0].ref if cues else None)
    else:
        # "The figures below come from the Vell Mine Action Centre (VMAC), which compiles ... They were published on
        # 1 December.": a paragraph that says whose the figures below are leads into them wherever it ends
        ref = _figures_below_owner(paragraph, sources)
    if ref is not None:
        sources.mention(ref.source)
        return Section(SourceRef(ref.source, min(ref.confidence, 0.6),
                                 f'the line leading into the figures below ({ref.reason})'), False)
    return section


# "The figures below come from X", "The data that follow were compiled by X", "The numbers below are those of X":
# the figures to come, named as below or following, and the body they come from.
_FIGURES_BELOW_FROM = re.compile(
    rf"(?:^|[.!?]\s+)(?:[Tt]he|[Aa]ll)\s+(?:[\w-]+\s+)?(?:figures|data|numbers|statistics|totals|counts)\s+"
    rf"(?:below|that\s+follow|which\s+follow|in\s+this\s+(?:table|list))\s+"
    rf"(?:(?:all\s+)?(?:come|comes|came|are|were)\s+(?:taken\s+)?from|(?:are|were)\s+(?:those\s+of|compiled\s+by|"
    rf"published\s+by|released\s+by|collected\s+by))\s+(?:the\s+)?(?P<body>{_NAME})"
    rf"(?:\s+\((?P<acronym>[A-Z][A-Za-z]+)\))?")


def _figures_below_owner(paragraph: str, sources: Sources) -> SourceRef | None:
    said = _FIGURES_BELOW_FROM.search(paragraph)
    if said is None:
        return None
    name = re.split(r"\.\s", said["body"])[0].rstrip(".")  # a name's pattern runs on past its sentence's full stop
    body = sources.resolve_name(name, acronym=said["acronym"], context=paragraph)
    return None if body is None else SourceRef(body, 0.6, f'"{_short(said.group().strip(" .!?"))}"')


# "The Harm Monitor published its annual figures on 12 January. Its count of civilians killed, by quarter:": the
# line leading into a table names the count only by its owner, the body named before.
_LEAD_IN_OWNED = re.compile(rf"(?:^|[.!?]\s+)(?:[^.,:]{{1,40}},\s+)?(?P<owner>[Ii]ts|[Tt]heir)\s+(?:{_REPORT_ADJECTIVE}\s+)*"
                            r"(?:[\w-]+\s+)?(?P<count>count|tally|toll|figures|data|records?|list|breakdown|estimates?|"
                            r"numbers|totals?|table|census)\b[^.!?]*[:.]\s*$")
# A lead-in can end on a full stop when it says the figures come next: "Its table, as of 1 December, is written out
# below in full.", "The ministry's figures are as follows."
_LEAD_IN_BELOW = re.compile(r"\b(?:below(?:\s+in\s+full)?|as\s+follows)\s*\.\s*$|"
                            # or where it says so before its end: "Its figures, set out below district by district, are
                            # the authority's unless stated otherwise."
                            r"\b(?:figures|data|numbers|statistics|breakdown|table|count|tally|totals)\b[^.!?:]{0,80}?"
                            r"\b(?:below|that\s+follow)\b[^.!?:]*\.\s*$")


def _lead_in_owner(paragraph: str, sources: Sources) -> SourceRef | None:
    owned = _LEAD_IN_OWNED.search(paragraph.rstrip())
    if owned is None:
        return None
    # the body the paragraph names before (its opening sentence's subject, with a description after it or not)
    named = [m for m in _LEAD_IN_BODY.finditer(paragraph[: owned.start("owner")]) if _ORGANISATION_WORDS.search(m["body"])]
    if named:
        body = sources.resolve_name(named[0]["body"], acronym=named[0]["acronym"], context=paragraph)
        if body is not None:
            return SourceRef(body, 0.6, f'"{owned.group("owner")} {owned.group("count")}" is the count of '
                                        f'{body.name}, named before it')
    return _resolve_phrase(owned.group("owner"), sources=sources, cue=owned.group("count"))


_LEAD_IN_BODY = re.compile(rf"(?:^|[.!?]\s+)(?:[Tt]he\s+)?(?P<body>{_NAME})(?:\s+\((?P<acronym>[A-Z][A-Za-z]+)\))?(?=[\s,])")


def _opens_with_speaker(sentence: str, cues: Sequence[Cue], section: Section) -> bool:
    spans = find_figures(sentence)
    first_figure = spans[0].start if spans else len(sentence)
    return any(c.start < first_figure and c.ref.source is not section.ref.source for c in cues)


def _paragraph_start(sentences: Sequence[Sentence], sentence: Sentence) -> int:
    return next(s.start for s in sentences if s.paragraph == sentence.paragraph)


# A sentence that goes on counting what the one before reported ("A further 2,310 ...", "Eleven of them ...").
QUOTE_OPENS = re.compile(r"^\s*[“\"]")
QUOTE_CLOSES_BEFORE_CUE = re.compile(r"[”\"]\s*,?\s+[\w\s.'’-]{0,60}\b(?:said|says|added|adds|told|tells|recalled|recalls)\b")


def _quotation_speaker(sentence: Sentence, cues: Sequence[Cue], before: SourceRef | None) -> SourceRef | None:
    """Who a quotation opening the next sentence belongs to: '"We had 30 men below," he said. "By night we
    had pulled 12 out alive."' gives the second quotation to the same speaker."""
    if cues:
        return cues[-1].ref if QUOTE_CLOSES_BEFORE_CUE.search(sentence.text) else None
    return before if QUOTE_OPENS.match(sentence.text) else None


CONTINUATION = re.compile(
    r"(?i)^(?:a further|another|an additional|a (?:few|small number) more|(?:[\w,-]+\s+)?of (?:them|these|those|whom)\b|"
    r"of the (?:total|dead|detained|injured|wounded|missing)\b|"
    # "That is up from 140 in this morning's briefing": what the count before was, by the same source
    rf"{_COMPARISON_OPENING}\b|"
    r"among them|among (?:the|those) (?:dead|killed|injured|wounded|victims|missing|detained|arrested)\b|most of them|(?:it|they) (?:also )?(?:added|said)|in addition|"
    # "... the arrests of more than 300 people, according to a monitoring group. Most were released within 48
    # hours, but at least 45 have been charged": what became of the people the sentence before counted
    r"(?:most|many|some|all|none|half)\s+(?:were|have|had|are|remain|remained)\b)"
)


# "The fire service says the blaze has burned 12,000 hectares. It has ordered the evacuation of two more villages,
# bringing the number of people moved out to 4,500": the speaker's pronoun acting goes on in the speaker's voice.
SPEAKER_ACTS = re.compile(r"(?:It|They)\s+(?:has|have|had|also|then|later)\b")


def _opens_with_count(sentence: str) -> bool:
    """ "Four people are still trapped." right after "..., the fire brigade said.": a sentence with no cue of
    its own that opens on a count goes on with the speaker of the sentence before, in the same paragraph."""
    spans = find_figures(sentence)
    return bool(spans) and spans[0].start <= 2


def _bare_count(sentence: str) -> bool:
    """ "He says 120 people slept there on the first night. Now it is 35.": a short sentence that only says how many
    there are now goes on with the speaker of the sentence before."""
    return len(sentence.split()) <= 8 and any(
        THERE_WERE.search(sentence[: span.end]) and re.fullmatch(r"\s*[.!?]?[\"”’']*\s*", sentence[span.end :])
        for span in find_figures(sentence))


def _counts_part_of_before(sentence: str) -> bool:
    """ "The whereabouts of 29 of them remain unknown.": a part of what the sentence before counted."""
    return any(SUBSET_AFTER.match(sentence[span.end :]) for span in find_figures(sentence))


def _carried(ref: SourceRef | None, why: str) -> SourceRef | None:
    if ref is None:
        return None
    return SourceRef(ref.source, min(ref.confidence, 0.5), f"{why}: {ref.reason}", ref.via)


# A clock time opening a live blog's line: "22:55", "2.05pm", "09:42 GMT".
_CLOCK = r"^(?:[01]?\d|2[0-3])[:.][0-5]\d\b(?:\s*(?:[ap]\.?m\.?|GMT|BST|CET|EST|UTC|local))?"
# A live blog's time stamp, alone on its line or opening the entry's heading ("22:55", "09:42 Toll rises to 134").
TIME_STAMP = re.compile(_CLOCK + r"(?:$|\s+[A-Z])")


def _note_entry(sentence: str, sources: Sources) -> None:
    if TIME_STAMP.match(sentence.strip()):
        sources.new_entry()


TIMED_HEADING = re.compile(_CLOCK + r"\s+\S")


def _is_heading(sentence: Sentence, title: str) -> bool:
    """The title (it restates the body), bylines and other short unpunctuated lines."""
    text = sentence.text.strip()
    unpunctuated = not re.search(r"[.!?…][\"”’']?$", text)
    # a live blog's timed subheading ("09:42 Death toll rises to 134") restates the entry below it
    return text == title.strip() or (unpunctuated and (len(text.split()) < 4 or bool(TIMED_HEADING.match(text))))


def _remember_mentions(sentence: str, sources: Sources) -> None:
    """Names with an acronym ("the National Council of Resistance of Iran (NCRI)") are remembered,
    so a later "NCRI" or "the council" finds the same source; so is a person a sentence opens on
    ("Maria Tess, 61, keeps ..."), whom a later "she says" can mean, and people a sentence is about ("six widows
    sit in a row"), whom a later "they say" means."""
    group = GROUP_SUBJECT.search(sentence)
    if group is not None:
        sources.group = group.group("group")
    opening = re.sub(r"^[A-Z][A-Z .,'’-]{1,40}\s+[—–-]\s+", "", sentence)  # "BORSK — Nadia ..."
    # "By her own count, Marta Roz has attended 19 funerals": past a short opening phrase
    person = PERSON_OPENING.match(opening) or PERSON_OPENING.match(re.sub(r"^[^,\"“”]{1,40},\s+", "", opening))
    if person and not _ORGANISATION_WORDS.search(person.group("name")) \
            and not any(w.lower() in _STOP_WORDS or w.lower() in MONTH_NUMBER for w in person.group("name").split()):
        source = sources.resolve_name(person.group("name"))
        if source is not None and source.kind == "person":
            sources.mention(source)
    for match in [*PERSON_INTRODUCED.finditer(sentence), *TITLED_PERSON.finditer(sentence)]:
        # "..., and Miriam Okafe, who teaches chemistry here, kept the register": a person introduced mid-sentence
        if not _ORGANISATION_WORDS.search(match.group("name")) \
                and not any(w.lower() in _STOP_WORDS or w.lower() in MONTH_NUMBER for w in match.group("name").split()):
            source = sources.resolve_name(match.group("name"))
            if source is not None and source.kind == "person":
                sources.mention(source)
    for match in ROLE_APPOSITION.finditer(sentence):
        # "Their teacher, Amira Sol, fled ...", "the doctor on duty, Pavel Renn, keeps ...": the later "she", "he"
        if not _ORGANISATION_WORDS.search(match.group("name")):
            source = sources.resolve_name(match.group("name"))
            if source is not None and source.kind == "person":
                sources.mention(source)
    _remember_bodies_by_kind(sentence, sources)
    for match in re.finditer(rf"(?P<name>{_NAME})\s*\((?P<acronym>[A-Z][A-Za-z-]*[A-Z])\)", sentence):
        # "According to the Civil Protection Agency (CPA)": the cue's words are no part of the name
        name = re.sub(r"^(?:(?:According|Thanks|Due|Owing|Close|Next|Prior)\s+to\s+)?(?:(?:The|A|An|the)\s+)?", "",
                      match.group("name").strip())
        source = sources.resolve_name(name, acronym=match.group("acronym"))
        if source is not None and len(name.split()) >= 2:
            sources.mention(source)


def _remember_bodies_by_kind(sentence: str, sources: Sources) -> None:
    """ "For the aid group Sea Watchers, which runs a rescue boat, ...": a later "the group" is Sea Watchers."""
    for match in _BODY_BY_KIND.finditer(sentence):
        new = name_key(_clean_name(match.group("name"))) not in {name_key(u.name) for u in sources.used.values()}
        source = sources.resolve_name(match.group("name"), context=match.group("kind"))
        if source is not None and new and not source.known and source.kind == "person":
            # a name of capitalised words would be guessed a person; the words before it say what it is
            source.kind, source.note = "ngo", f'kind guessed from "{match.group("kind")}" before the name'
        if source is not None and source.kind != "person":
            sources.mention(source)
            sources.add_role(source, match.group("kind"))


# A body introduced by its kind before its name: "the aid group Sea Watchers", "the rights organisation Tesk Watch".
_BODY_BY_KIND = re.compile(rf"\b(?:the|an?)\s+(?P<kind>(?:[a-z-]+\s+){{0,2}}?(?:group|organi[sz]ation|charity|network|"
                           rf"monitor|campaign|coalition|association|collective))\s+(?P<name>{_NAME})")


# People a sentence is about, doing something other than speaking: "six widows sit in a row", "Relatives of the
# missing gather at the gate each morning" (a later "they say" is theirs, not the body quoted before).
GROUP_SUBJECT = re.compile(
    r"(?:^|,\s+)(?:[Tt]he\s+|[Ss]ome\s+|(?:[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine|[Tt]en|"
    r"[Dd]ozens of|[Hh]undreds of)\s+)?(?P<group>(?i:widows|mothers|fathers|relatives|families|residents|villagers|"
    r"survivors|neighbours|neighbors|parents|wives|sons|daughters)(?: of the [a-z]+)?)\s+"
    r"(?:sit|sat|stand|stood|wait|waited|gather|gathered|queue|queued|walk|walked|keep|kept|meet|met|come|came|"
    r"live|lived|sleep|slept|still)\b")


# A sentence opening on a person: a name of two or three capitalised words, then an age in apposition, a
# "who" or "whose" clause, or a verb people do ("Maria Tess, 61, keeps", "Omar Hadi lives", "Anna Roe, whose
# son ..., waits"), perhaps after the role she is introduced by ("Harbour master Jon Brekk walks").
OPENING_ROLES = frozenset(
    "master foreman captain teacher farmer fisherman midwife priest volunteer activist worker miner engineer "
    "researcher organiser organizer driver".split())
# Who a person in a feature is to the people counted: "Marta Vell is a mother of three".
KIN_ROLES = frozenset("mother father widow widower grandmother grandfather son daughter wife husband brother sister "
                      "headman headmaster headteacher postmistress postman shopkeeper nurse pharmacist student "
                      "survivor resident refugee".split())
# Who a person is to someone named before: "Teller's deputy, Pavel Onn, has set up ...", "His mother, Ana Roe, ...".
RELATION_ROLES = frozenset("deputy assistant aide colleague neighbour neighbor friend caretaker warden guard "
                           "cousin niece nephew uncle aunt".split()) | KIN_ROLES
# A person named in apposition to the role that introduces them: "Their teacher, Amira Sol, fled ...".
ROLE_APPOSITION = re.compile(
    rf"(?i:\b(?:{'|'.join(sorted(PERSON_ROLES | OPENING_ROLES | RELATION_ROLES))}))(?:\s+(?:on|at|in|of)\s+[a-z-]+)?,\s+"
    r"(?P<name>[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){1,2}),")


# A person introduced anywhere in a sentence by an age or a "who" clause: "..., and Miriam Okafe, who teaches ...".
PERSON_INTRODUCED = re.compile(
    r"(?:^|(?<=[a-z,;:—–-])\s|(?<=\s)(?:and|but|when|as|while)\s)(?P<name>[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){1,2}),\s*"
    r"(?:\d{1,3},|aged\s+\d{1,3},|who\s|whose\s)")
# A person named with a title anywhere in a sentence: "Inside the clinic on Mill Street, Dr Lena Harsk has stopped".
# (a title before a surname alone, "Mr Halvik's crew", is the person named in full before)
TITLED_PERSON = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|Professor|Father|Sister|Imam|Rev|Rabbi)\.?\s+"
                           r"(?P<name>[A-Z][a-z’'-]+?(?:\s+[A-Z][a-z’'-]+?){0,2})(?:[’']s)?(?![\w’'-])")
PERSON_OPENING = re.compile(
    r"^[\"“‘']?(?:(?:Dr|Mr|Mrs|Ms|Prof|Professor|Father|Sister|Imam|Rev|Rabbi)\.?\s+"
    # "Harbour master Jon Brekk walks ...": a role before the name
    rf"|[A-Z][a-z]+\s+(?:[a-z]+\s+)?(?i:{'|'.join(sorted(PERSON_ROLES | OPENING_ROLES))})\s+)?"
    r"(?P<name>[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){1,2})(?=,\s*(?:\d{1,3}|aged\s+\d{1,3}),|,\s*(?:who|whose)\b|"
    r",\s*(?:a|an)\s+[a-z][^,]{0,80},\s*(?:is|was|has|had|keeps|kept|lives|works|worked|says|said)\b|"
    # "Marta Vell is a teacher", "Pavel Renn was the village headman": what the person is
    rf"\s+(?:is|was)\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){{0,3}}?(?:{'|'.join(sorted(PERSON_ROLES | OPENING_ROLES | KIN_ROLES))})\b|"
    # "Nadia Petrova has kept a list": perhaps with an auxiliary
    r"\s+(?:(?:has|had|have)\s+(?:\w+ly\s+)?)?(?:keeps|kept|"
    r"lives|lived|remembers|remembered|recalls|recalled|arrived|works|worked|sits|sat|walks|walked|waits|waited|"
    r"fled|spent|shows|showed|wants|wanted|hopes|hoped|grew up|was born|buried|describes|described|lost|runs|ran|"
    r"counted|stood|stands|waited|searched|searches|spent|tried|tries|returned|returns|attended|attends|visits|"
    r"visited|teaches|taught|counts|(?:been\s+)?speaking|spoke|speaks)\b)")


_CONTRARY_OPENING = re.compile(r"(?i)^\W*contrary to\b[^,;]*,")


def _governing(cues: Sequence[Cue], span: FigureSpan, sentence: str) -> Cue | None:
    """The cue that attributes a figure: the nearest before it in its clause chain, else a cue
    that closes the clause after it (", according to X." / ", X said.")."""
    quoted = _speaker_of_quotation(cues, span, sentence)
    if quoted is not None:
        return quoted
    denied = _CONTRARY_OPENING.match(sentence)
    if denied and span.start >= denied.end():
        # "Contrary to the figures spread by hostile media, the number of deaths did not exceed 24": who is
        # contradicted says nothing of the figures after it (they stay a candidate for a following "Claims that ...")
        cues = [c for c in cues if c.start >= denied.end()]
    close_after = next((c for c in cues if c.start >= span.end and c.governs == "around"
                        and re.fullmatch(r"[\w\s-]{0,30}", sentence[span.end : c.start])), None)
    if close_after is not None:
        return close_after  # "far more than the 87 deaths acknowledged by the ministry": the agent right after it
    aside = next((c for c in cues if _is_aside(sentence, c)), None)
    if aside is not None:
        return aside
    before = [c for c in cues if c.end <= span.start or (c.start <= span.start and c.governs == "after")]
    # the cue ending nearest the figure: "X, which won 38% according to official results, says 11 ..." is X's
    after = [c for c in cues if c.start >= span.end]
    for cue in sorted(before, key=lambda c: c.end, reverse=True):
        if cue.governs in ("after", "around") and not _breaks_between(sentence, cue.end, span.start, cue):
            # "Police said 300 were detained; 40 are still held, a lawyer said.": a clause after a semicolon that
            # closes on its own speaker is that speaker's, not a list going on with the one before
            closing = _closing_attribution(after, span, sentence) if ";" in sentence[cue.end : span.start] else None
            return closing or cue
    for cue in after:
        if not _breaks_between(sentence, span.end, cue.start, cue, strict=True):
            return cue
    return _closing_attribution(after, span, sentence)


def _closing_attribution(after: Sequence[Cue], span: FigureSpan, sentence: str) -> Cue | None:
    """ "Tens of thousands marched ..., and police rounded up more than 300 demonstrators, a lawyers' group
    said.": an attribution closing the sentence after a comma speaks for every clause before it that has none."""
    last = after[-1] if after else None
    if last is None or not (re.fullmatch(r"[\s.!?\"”’')]*", sentence[last.end :]) or _trailing_adjunct(sentence[last.end :])
                            or _SPEAKER_DESCRIBED.fullmatch(sentence[last.end :])) \
            or not re.search(r",\s*$", sentence[: last.start]) or ";" in sentence[span.end : last.start]:
        return None
    return last


# What may follow a closing "X said" without starting a claim of its own: "in a report released today",
# "on Sunday", "late on Monday, after verifying videos", "in a statement, citing hospital records".
_ADJUNCT = re.compile(r"(?i)^\s+(?:in|on|at|late|early|during|after|before|yesterday|today|tonight|this|last|from|"
                      r"citing|quoting|adding|via|by|over|when|while)\b")


# "..., according to the Red Cross, which runs the camp.": a relative clause after the speaker describes the speaker.
_SPEAKER_DESCRIBED = re.compile(r"(?i),\s*(?:which|who|whose)\s[^;:“”\"\d]{0,100}?[.!?]?[\"”’')]*\s*")


def _trailing_adjunct(rest: str) -> bool:
    """Whether the words after a closing attribution only say when, where or how it was said."""
    return bool(_ADJUNCT.match(rest)) and not re.search(r"(?i)\bthat\b|[;:“\"]", rest) and len(rest.split()) <= 16


def _is_aside(sentence: str, cue: Cue) -> bool:
    """ "Across the province, the ICRC says, families have registered 1,370 ...": a speech cue set off by
    commas speaks for its whole sentence."""
    return cue.governs == "after" and bool(re.search(r",\s*$", sentence[: cue.start])) \
        and bool(re.match(r"\s*,", sentence[cue.end :])) and len(sentence[cue.start : cue.end].split()) <= 6


_QUOTATION = re.compile(r"“[^”]+”|\"[^\"]+\"")


def _speaker_of_quotation(cues: Sequence[Cue], span: FigureSpan, sentence: str) -> Cue | None:
    """ "“We have recovered 17 bodies, and we believe 40 are still missing,” Colonel X told AFP": the
    whole quotation is the speaker's, whatever clauses it holds."""
    for quotation in _QUOTATION.finditer(sentence):
        if quotation.start() < span.start and span.end <= quotation.end():
            # the speaker right after it, perhaps with an apposition (", head of the civil protection service,")
            # (a pronoun too: '"I counted 40 bodies," she says' is hers, not the "I" inside the quotation's)
            follows = [c for c in cues if 0 <= c.start - quotation.end() <= 100
                       and not re.search(r"[.;“”\"]", sentence[quotation.end() : c.start])]
            if follows:
                return follows[0]
            return next((c for c in cues if _introduces(sentence, c, quotation.start())), None)
    return None


def _breaks_between(sentence: str, start: int, end: int, cue: Cue, strict: bool = False) -> bool:
    between = sentence[start:end]
    if strict:
        # a new clause with its own subject ("... and Police said"): only a capital starts one, and not one
        # joining two names ("in February and March", "in Orda and Pell districts")
        if re.search(r"(?i:;|,\s(?:and|but|while|whereas)\s)", between):
            return True
        return any(not re.search(r"\b[A-Z][\w’'-]*$", between[: m.start()]) and not DATE_AFTER.match(" " + m.group(1))
                   for m in re.finditer(r"\s(?:and|but)\s+([A-Z][\w’'-]*)", between))
    if cue.governs == "around":
        # ", according to X, ... ; while Y" : "according to" reaches the end of its clause only
        # (a full stop inside a sentence ends an abbreviation: "Flash Update No. 2" breaks nothing)
        return bool(re.search(r"(?i);|\.\s(?!\d)|,\s(?:while|whereas|but)\s", between))
    # "The NDRO reports 64 deaths and 212 injuries; 29 people are missing": the clause after a semicolon goes on
    # with the same speaker unless it names another (the nearest cue wins) or turns to a new subject with a verb
    # of saying of its own
    return bool(re.search(r"(?i);", between)) and not _semicolon_goes_on(between)


def _semicolon_goes_on(between: str) -> bool:
    """Whether the only break between a speech cue and a figure is one semicolon and the speaker's report goes on
    (a list of what was reported), rather than the writer's own words."""
    return between.count(";") == 1 and not re.search(r"(?i)[.!?]\s|\b(?:but|however|meanwhile|while)\b", between)


def _topic_after(sentence: str, pending: Sequence[_Pending], topic: str | None) -> str | None:
    if pending:
        return pending[-1].guess.metric
    for pattern, metric in METRIC_WORD_PATTERNS:
        if metric not in THING_METRICS and pattern.search(sentence):
            return metric
    return topic


NO_CUE = "no attribution cue"


def _group(sentence: Sentence, pending: Sequence[_Pending], voice: ProposedSource, sources: Sources,
           catalog: Catalog, event: str | None, paragraphs: dict[int, str]) -> list[ProposedClaim]:
    groups: dict[tuple[str, str | None], list[_Pending]] = {}
    for item in pending:
        source = item.ref.source if item.ref else voice
        via = item.ref.via.id if item.ref and item.ref.via else None
        groups.setdefault((source.id, via), []).append(item)
    claims: list[ProposedClaim] = []
    segments = _segments(sentence.text, [items for items in groups.values()]) if len(groups) > 1 else None
    for (source_id, via), items in groups.items():
        ref = items[0].ref
        if ref is None:
            source_confidence = 0.5 if not voice.id.startswith("author-of-") else 0.35
            source_reason = f"{NO_CUE}: the article's own voice ({voice.name})"
        else:
            source_confidence, source_reason = ref.confidence, f"source from {ref.reason}"
            if ref.source.known:
                source_reason += f"; matched known source {ref.source.id}"
        figures = [_proposed_figure(sentence.text, i) for i in items]
        event_id, event_reason = event, "--event" if event else ""
        if event_id is None and catalog.events:
            found = find_event(sentence.text, paragraphs.get(sentence.paragraph, ""), catalog.events)
            if found:
                event_id, event_reason = found
        for part_figures, part_start, part_quote in _quoted_parts(sentence, items, figures, segments):
            confidence = round(min([source_confidence, *(f.confidence for f in part_figures)]), 2)
            reason = "; ".join([source_reason, *(f.reason for f in part_figures)])
            claims.append(ProposedClaim(source_id, part_quote, part_start, part_figures, confidence, reason, via,
                                        event_id, event_reason, source_reason))
        if ref is not None:
            sources.mention(ref.source)
    return claims


def _quoted_parts(sentence: Sentence, items: Sequence[_Pending], figures: list[ProposedFigure],
                  segments: dict[int, tuple[int, int]] | None) -> list[tuple[list[ProposedFigure], int, str]]:
    """The claims a group of figures makes, each with its verbatim quote: one, or an earlier figure revised
    within the sentence and the figure now."""
    start, quote = (sentence.start, sentence.text)
    shortest = _shortest_clause(sentence.text, items)
    if shortest is not None:
        start, quote = sentence.start + shortest[0], sentence.text[shortest[0] : shortest[1]]
    if segments is not None:
        seg_start, seg_end = segments[id(items)]
        start, quote = sentence.start + seg_start, sentence.text[seg_start:seg_end]
    parts = [(figures, start, quote)]
    revision = _revision_clause(sentence.text, items, figures) if segments is None else None
    if revision is not None:
        parts = _split_revision(sentence, figures, revision)
    trimmed = []
    for part_figures, part_start, part_quote in parts:
        dateline = WIRE_DATELINE.match(part_quote) if part_start == sentence.start else None
        if dateline and all(f.stated in part_quote[dateline.end() :] for f in part_figures):
            part_start, part_quote = part_start + dateline.end(), part_quote[dateline.end() :]
        trimmed.append((part_figures, part_start, part_quote))
    return trimmed


# "its earlier toll of 208", "up from the 32", "had initially reported 38": a figure since revised.
EARLIER_BEFORE = re.compile(
    r"(?i)(?:\b(?:earlier|initial|previous|original|first|old)\s+(?:death\s+)?(?:toll|figure|count|estimate|tally|number)"
    r"(?:\s+of)?|\b(?:up|down|revised|raised|lowered)\s+from(?:\s+(?:the|an?))?(?:\s+earlier)?|"
    r"\b(?:initially|previously|originally|first|earlier)\s+(?:reported|announced|gave|put|said|counted)(?:\s+(?:the|a))?"
    r")\s+$")


def _proposed_figure(sentence: str, item: _Pending) -> ProposedFigure:
    earlier = bool(EARLIER_BEFORE.search(sentence[max(0, item.span.start - 60) : item.span.start]))
    reason = f'"{item.span.stated}" counts {item.guess.metric} ({item.guess.reason})'
    if earlier:
        reason += "; an earlier figure, since revised"
    return ProposedFigure(item.guess.metric, item.span.figure, item.span.stated, item.guess.population,
                          item.guess.confidence, reason, earlier)


# "AMARA, Sept 2 (Reuters) - ", "GENEVA (AP) — ": a wire dateline is where the story was filed, not the claim.
WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{1,40}(?:,[^()\n]{1,40})?\s*\([A-Za-z .]{2,30}\)\s*[-–—]+\s+")
_CLAUSE_END = re.compile(r",\s|;\s|\s[—–]\s")


ATTRIBUTING_WORDS = re.compile(
    r"(?i)\b(?:citing|quoting|according|said|says|told|tells|reported|added|adding|saying|sources?|figures)\b")


def _shortest_clause(sentence: str, items: Sequence[_Pending]) -> tuple[int, int] | None:
    """The shortest full clause holding a claim's figures and the words attributing them, on word boundaries:
    without a wire dateline before it, and, when the attribution closes the clause (", the coastguard said
    on Saturday"), without what follows it (", in the deadliest attack this year")."""
    dateline = WIRE_DATELINE.match(sentence)
    start = dateline.end() if dateline else 0
    end = len(sentence)
    cues = [item.cue for item in items if item.cue is not None]
    if cues and len(cues) == len(items) and all(cue[0] >= item.span.end for cue, item in zip(cues, items, strict=True)):
        boundary = _CLAUSE_END.search(sentence, max(cue[1] for cue in cues))
        if boundary is not None:
            end = boundary.start()
    elif cues and len(cues) == len(items) and all(cue[1] <= item.span.start for cue, item in zip(cues, items, strict=True)):
        # "The ministry said 73 people had died, most of them in Velden": the attribution comes first, so the
        # clause ends after the last figure's, unless what follows still attributes ("citing hospital records")
        boundary = _CLAUSE_END.search(sentence, max(item.span.end for item in items))
        if boundary is not None and not ATTRIBUTING_WORDS.search(sentence[boundary.start() :]):
            end = boundary.start()
    if any(item.span.start < start for item in items):
        return None
    return (start, end) if (start, end) != (0, len(sentence)) else None


def _revision_clause(sentence: str, items: Sequence[_Pending], figures: Sequence[ProposedFigure]) -> tuple[int, int] | None:
    """Where "..., raising its earlier toll of 208" sits in a sentence that also gives the figure now: the
    clause between commas holding every earlier figure and no current one."""
    earlier = [i for i, f in zip(items, figures, strict=True) if f.earlier]
    current = [i for i, f in zip(items, figures, strict=True) if not f.earlier]
    if not earlier or not current:
        return None
    if not {f.metric for f in figures if f.earlier} <= {f.metric for f in figures if not f.earlier}:
        return None
    first, last = min(i.span.start for i in earlier), max(i.span.end for i in earlier)
    comma = sentence.rfind(", ", 0, first)
    start = comma + 2 if comma >= 0 else 0
    end_match = re.compile(r",\s|;\s").search(sentence, last)
    end = end_match.start() if end_match else len(sentence.rstrip().rstrip(".!?"))
    if start == 0 or any(start <= i.span.start < end for i in current):
        return None
    return start, end


def _split_revision(sentence: Sentence, figures: Sequence[ProposedFigure],
                    clause: tuple[int, int]) -> list[tuple[list[ProposedFigure], int, str]]:
    """The earlier figure as a claim of its own (first), so that the figure now can supersede it. Each quote
    is a verbatim piece: when the revision clause ends the sentence, the figure now is quoted without it and
    the earlier figure keeps the whole sentence; otherwise the earlier figure is quoted by its clause alone."""
    text = sentence.text
    earlier = [f for f in figures if f.earlier]
    current = [f for f in figures if not f.earlier]
    start, end = clause
    if not text[end:].strip(" .!?”\"'"):
        return [(earlier, sentence.start, text), (current, sentence.start, text[: start - 2].rstrip())]
    return [(earlier, sentence.start + start, text[start:end]), (current, sentence.start, text)]


def propose_supersedes(claims: Sequence[ProposedClaim], document_id: str) -> None:
    """A claim whose figures are all earlier ones, and another claim of the same source counting the
    same thing afresh: the second supersedes the first (both get ids so the draft can say so)."""
    for index, old in enumerate(claims):
        if not old.figures or not all(f.earlier for f in old.figures):
            continue
        metrics = {f.metric for f in old.figures}
        new = next((c for c in claims if c is not old and c.source == old.source and c.supersedes is None
                    and any(f.metric in metrics and not f.earlier for f in c.figures)), None)
        if new is None:
            continue
        old.id = old.id or f"{document_id}-{old.source}-{index + 1}"[:200]
        new.supersedes = old.id


def _segments(sentence: str, groups: list[list[_Pending]]) -> dict[int, tuple[int, int]]:
    """Split a sentence between the figure groups of different sources, at clause boundaries."""
    breaks = [0] + [m.start() for m in re.finditer(r"(?i);\s|,\s(?:and|but|while|whereas)\s|\swhile\s|\swhereas\s", sentence)] + [len(sentence)]
    ordered = sorted(groups, key=lambda items: items[0].span.start)
    result: dict[int, tuple[int, int]] = {}
    for index, items in enumerate(ordered):
        first, last = items[0].span.start, items[-1].span.end
        start = max([b for b in breaks if b <= first and (index == 0 or b >= ordered[index - 1][-1].span.end)] or [0])
        next_start = ordered[index + 1][0].span.start if index + 1 < len(ordered) else len(sentence)
        candidates = [b for b in breaks if last <= b <= next_start]
        end = min(candidates) if candidates and index + 1 < len(ordered) else len(sentence)
        if index == 0:
            start = 0
        piece = sentence[start:end]
        lead = len(piece) - len(re.sub(r"^(?:[;,]\s*)?(?:and|but|while|whereas)?\s*", "", piece))
        piece_start, piece_end = start + lead, start + len(piece.rstrip(" ,;"))
        result[id(items)] = (piece_start, piece_end) if piece_end > piece_start else (0, len(sentence))
    return result


# --------------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------------


def _block(mapping: dict[str, object], indent: str = "  ") -> list[str]:
    dumped = yaml.safe_dump([mapping], allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=None)
    return [indent + line for line in dumped.rstrip("\n").split("\n")]


def draft_to_yaml(draft: Draft, *, article: str | None = None) -> str:
    """The draft in the import format, with ``# GUESS`` comments saying what to check."""
    out = [
        f"# Draft claims proposed by `factdb extract`{f' from {article}' if article else ''}.",
        "# Review every claim: keep it, fix it or delete it, then `factdb import` this file.",
        "# Lines marked GUESS are the extractor's guesses; `confidence` (0-1) and `reason` on each claim",
        "# say how sure it is and which words it used. The importer accepts them and does not store them.",
        "",
    ]
    new_sources = draft.new_sources
    if new_sources:
        out.append("sources:")
        for source in new_sources:
            out.extend(_source_lines(source))
        out.append("")
    if draft.metrics:
        out.append("metrics:")
        out.append("  # new metrics used by the claims below")
        for metric_id, name, unit in draft.metrics:
            out.extend(_block({"id": metric_id, "name": name, "unit": unit}))
        out.append("")
    if draft.events:
        out.append("events:")
        for event_id, name in draft.events:
            out.append("  # GUESS event named after its id (--event, not in the database): give it a real name")
            out.extend(_block({"id": event_id, "name": name}))
        out.append("")
    if draft.document.known:
        out.append(f"# Document {draft.document.id} is already in the database with this text: the claims below refer")
        out.append("# to it, and claims it already has are left out.")
    else:
        out.append("documents:")
        out.extend(_document_lines(draft.document))
    out.append("")
    if not draft.claims:
        out.append("claims: []  # nothing new: the database has every claim found" if draft.document.known
                   else "claims: []  # no figure-bearing statements found")
        return "\n".join(out) + "\n"
    out.append("claims:")
    for claim in draft.claims:
        out.extend(_claim_lines(claim, draft))
    return "\n".join(out) + "\n"


def _source_lines(source: ProposedSource) -> list[str]:
    entry: dict[str, object] = {"id": source.id, "name": source.name, "kind": source.kind}
    if source.aliases:
        entry["aliases"] = list(source.aliases)
    return [f"  # GUESS new source: {source.note}", *_block(entry)]


def _document_lines(document: ProposedDocument) -> list[str]:
    entry: dict[str, object] = {"id": document.id, "title": document.title}
    if document.author:
        entry["author"] = document.author
    if document.published:
        entry["published"] = document.published
    entry["language"] = "en"
    entry["text_file"] = document.text_file
    return [f"  # GUESS {note}" for note in document.notes] + _block(entry)


def _claim_lines(claim: ProposedClaim, draft: Draft) -> list[str]:
    lines = [f"  # GUESS source {claim.source} (confidence {claim.confidence:.2f}): {_comment(claim.source_reason)}"]
    if claim.via:
        lines.append(f"  # GUESS relayed via {claim.via}")
    if claim.supersedes:
        lines.append(f"  # GUESS supersedes {claim.supersedes}: it revises that claim's figure")
    for figure in claim.figures:
        population = f", population {figure.population}" if figure.population else ""
        lines.append(f"  # GUESS metric {figure.metric}{population} for {_comment(figure.reason)}")
    if claim.event and claim.event_reason != "--event":
        lines.append(f"  # GUESS event {claim.event}: {_comment(claim.event_reason)}")
    entry: dict[str, object] = {"id": claim.id} if claim.id else {}
    entry.update({"document": draft.document.id, "source": claim.source})
    if claim.supersedes:
        entry["supersedes"] = claim.supersedes
    if claim.via:
        entry["via"] = claim.via
    if claim.event:
        entry["event"] = claim.event
    entry["quote"] = claim.quote
    figures: list[dict[str, object]] = []
    for figure in claim.figures:
        row: dict[str, object] = {"metric": figure.metric}
        if figure.population:
            row["population"] = figure.population
        row["value"] = figure.figure.text if _reparses(figure.figure) else figure.stated
        figures.append(row)
    entry["figures"] = figures
    entry["confidence"] = claim.confidence
    entry["reason"] = claim.reason
    return lines + _block(entry)


def _reparses(figure: Figure) -> bool:
    try:
        again = parse_figure(figure.text)
    except FigureError:
        return False
    return (again.qualifier, again.value, again.low, again.high) == (figure.qualifier, figure.value, figure.low, figure.high)


def _comment(text: str) -> str:
    return " ".join(text.split())


class ExtractError(Exception):
    """The article cannot be drafted as asked; the message says what to do instead."""


# One article, not a corpus: a news story is some kilobytes, a long report a few hundred.
MAX_ARTICLE_BYTES = 2_000_000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def extract_article(
    article: Path,
    *,
    draft_folder: Path,
    document_id: str | None = None,
    title: str | None = None,
    event: str | None = None,
    author: str | None = None,
    published: str | None = None,
    catalog: Catalog | None = None,
) -> Draft:
    """Draft claims for an article file, to be written as YAML in ``draft_folder``."""
    document_id = document_id or slugify(article.stem) or "document"
    if not ID_PATTERN.fullmatch(document_id):  # match() would let a final newline through ($)
        raise ExtractError(f"--document-id {document_id!r}: use letters, digits, '.', '_', ':' or '-', e.g. some-article")
    if published is not None and not DATE_PATTERN.fullmatch(published):
        raise ExtractError(f"--published {published!r}: write YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        info = article.stat()
    except OSError as error:
        raise ExtractError(f"{article}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ExtractError(f"{article}: not a regular file (a device, pipe or folder); save the article as a text file")
    if info.st_size > MAX_ARTICLE_BYTES:
        raise ExtractError(f"{article}: {info.st_size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit for one "
                           "article; split it into articles")
    try:
        text = article.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractError(f"{article}: not UTF-8 text (byte at offset {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise ExtractError(f"{article}: {error.strerror}") from None
    if not text.strip():
        raise ExtractError(f"{article}: the file is empty")
    return extract(text, document_id=document_id, text_file=relative_text_file(article, draft_folder), title=title,
                   event=event, author=author, published=published, catalog=catalog)


def extract_stored_document(db: Database, document_id: str, *, event: str | None = None, author: str | None = None,
                            catalog: Catalog | None = None) -> Draft:
    """Draft claims from the stored text of document ``document_id`` (an archived web page or PDF, say):
    the draft refers to the document and does not define it again."""
    from sqlalchemy import text

    with db.read_engine.connect() as connection:
        found = connection.execute(text("SELECT text FROM documents WHERE id = :id"), {"id": document_id}).first()
    if found is None:
        raise ExtractError(f"--document {document_id!r}: no such document in {db.path}; archive it first (factdb archive FILE --id ID)")
    catalog = catalog or load_catalog(db)
    return extract(found[0], document_id=document_id, text_file="", event=event, author=author, catalog=catalog)


def relative_text_file(article: Path, draft_folder: Path) -> str:
    """``text_file`` for the draft: the article's path from the draft's folder, which must contain it
    (the importer refuses paths that leave the import file's folder)."""
    article, folder = article.resolve(), draft_folder.resolve()
    if not article.is_relative_to(folder):
        raise ExtractError(
            f"{article} is not inside {folder}, where the draft goes; the importer reads text_file relative to "
            "the draft's folder and refuses paths outside it. Write the draft next to the article or in a folder "
            "above it (--output), or copy the article into the draft's folder."
        )
    return article.relative_to(folder).as_posix()
