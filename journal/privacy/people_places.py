"""People's names and places of work in free text, found with rules and shipped word lists.

Lists live in ``journal/data`` (first names, names that are also ordinary words, surnames,
towns and cities); nothing is downloaded at run time.
"""

import re
from functools import cache
from importlib import resources

Span = tuple[int, int]


@cache
def _words(filename: str) -> frozenset[str]:
    text = resources.files("journal.data").joinpath(filename).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


_TITLES = ("Dr|Doctor|Sister|Nurse|Matron|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sir|Dame|Auntie|"
           "Uncle|Father|Reverend|Rev|Midwife|Consultant")
_CAP = r"(?:O'|Mc|Mac)?[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*"
_ROLES = ("Surgeon|Anaesthetist|Registrar|Midwife|Nurse|Physician|Paediatrician|Obstetrician|"
          "Psychiatrist|Practitioner|Manager|Educator")
_TITLED_NAME = re.compile(rf"\b(?:{_TITLES})\.?(?: (?:{_ROLES}))* ((?:{_CAP})(?: {_CAP})?)")
_CAP_WORD = re.compile(rf"\b{_CAP}\b")

#: Words that name a kind of place; capitalised words before one make it a specific place.
_PLACE_NOUNS = ("Hospital|Hospitals|Infirmary|Ward|Unit|Trust|Health Board|Surgery|"
                "Medical Centre|Health Centre|Clinic|Hospice|Birth Centre|Practice|Wing|"
                "Maternity Centre|Community Hospital")
_PLACE_WORD = r"(?:St\.?|Saint|[A-Z][A-Za-z]+(?:'s|s')?)"
_PLACE_CONNECT = r"(?: (?:and|&|of|upon|NHS|Foundation|Teaching|University|General|Royal))*"
_NAMED_PLACE = re.compile(
    rf"\b{_PLACE_WORD}(?:{_PLACE_CONNECT} {_PLACE_WORD})*"
    rf" (?:{_PLACE_NOUNS})\b(?: (?:NHS )?(?:Foundation )?Trust\b)?")
_LOWER_WARD = re.compile(rf"\b({_CAP}) (?:ward|unit)\b")
_NUMBERED_WARD = re.compile(r"\b[Ww]ard \d{1,3}[A-Za-z]?\b")
_SAINT = re.compile(r"\b(?:St\.?|Saint) [A-Z][a-z]+(?:'s|s'|')")
_HOSPITAL_ACRONYMS = re.compile(r"\b(?:UCLH|GOSH|RVI|LGI|QEH|QMC|JR|RSCH|BRI|MRI|UHW|QEUH|RIE)\b")

#: Words that describe a kind of ward or unit rather than name one ("Labour Ward" is everywhere).
_GENERIC_PLACE_WORDS = frozenset("""
    A&E Acute Admissions Adult Adults Antenatal Assessment Birth Burns Cancer Cardiac
    Cardiology Care Childrens Children's Clinical Community Coronary Critical Day Delivery
    Dependency Discharge Elderly Emergency Endoscopy Eye Frailty General Gynae Gynaecology
    Haematology Hand High Infectious Intensive Labour Learning Local Maternity Medical
    Mental Midwifery Midwife-led Neonatal Neuro Neurology Night Nursing Obstetric Oncology
    Orthopaedic Outpatient Outpatients Paediatric Postnatal Private Psychiatric Recovery
    Rehab Rehabilitation Renal Respiratory Same Short Special Spinal Stay Step-down Stroke
    Surgical Teaching Theatre Trauma Urgent Walk-in Women's My Our The This That Her His
    Their Your A An Another Every Each Same Whole New Old Big Main Other
    """.split())
#: Capitalised job words that follow a title ("Consultant Surgeon") without being a name.
_ROLE_WORDS = frozenset("""Surgeon Anaesthetist Registrar Midwife Nurse Physician Paediatrician
    Obstetrician Psychiatrist Practitioner Manager Lead Team Educator Assistant Associate
    Sister Matron Consultant Doctor""".split())
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[\"'“‘(]\s*|^\s*[-*]\s+)$")
_NAME_FOLLOWERS = frozenset("""said says told asked came helped brought was is were had has
    took gave showed smiled looked noticed answered stayed sat called rang made covered
    walked explained thanked listened would could did does and who from on""".split())
_MONTH_CONTEXT = frozenset("in of since until till by from last next this early late mid end "
                           "during before after".split())




def find_places(text: str) -> list[Span]:
    """Spans of named wards, units, hospitals, trusts, practices, and towns."""
    spans = []
    for match in _NAMED_PLACE.finditer(text):
        start = _skip_generic_words(text, match.start(), match.end())
        if start is not None:
            spans.append((start, match.end()))
    for match in _LOWER_WARD.finditer(text):
        word = match.group(1)
        if word not in _GENERIC_PLACE_WORDS and not _at_sentence_start(text, match.start()):
            spans.append((match.start(), match.end()))
    for pattern in (_NUMBERED_WARD, _SAINT, _HOSPITAL_ACRONYMS):
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    for match in _town_pattern().finditer(text):
        if match.group() in _WORD_TOWNS and _at_sentence_start(text, match.start()):
            continue  # "Reading the notes..." is not the town
        spans.append((match.start(), match.end()))
    return spans


#: Towns that are also ordinary words when they start a sentence.
_WORD_TOWNS = frozenset({"Reading", "Bath", "Poole", "Hull"})


@cache
def _town_pattern() -> re.Pattern:
    towns = sorted(_words("places.txt"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in towns) + r")\b")


def _skip_generic_words(text: str, start: int, end: int) -> int | None:
    """Start of the specific part of a place match; None if every word before the noun is generic.

    "the Labour Ward" names no particular place; "Rowan Ward" does.
    """
    words = list(re.finditer(r"\S+", text[start:end]))
    nouns = set(_PLACE_NOUNS.replace(" ", "|").split("|")) | {"NHS", "Foundation", "Trust"}
    specific = [w for w in words
                if w.group() not in nouns and w.group().strip("'’") not in _GENERIC_PLACE_WORDS
                and w.group() not in {"and", "&", "of", "the", "on", "upon"}]
    if not specific:
        return None
    first = words.index(specific[0])
    # Drop leading generic words ("The Rowan Ward" -> "Rowan Ward").
    return start + words[first].start()


def find_names(text: str) -> list[Span]:
    """Spans of people's names (a title such as "Sister" is left outside the span)."""
    first_names, ambiguous = _words("first_names.txt"), _words("ambiguous_names.txt")
    surnames = _words("surnames.txt")
    spans = []
    for match in _TITLED_NAME.finditer(text):
        start, end = match.span(1)
        name = match.group(1)
        # "Sister Jones said" -> "Jones"; keep a second word only if it is a name too.
        parts = name.split(" ")
        if len(parts) == 2 and not (parts[1] in surnames or parts[1] in first_names):
            end = start + len(parts[0])
        if parts[0] in _GENERIC_PLACE_WORDS or parts[0] in _ROLE_WORDS:
            continue
        spans.append((start, end))
    for match in _CAP_WORD.finditer(text):
        word = match.group()
        base = re.sub(r"'s$", "", word)
        if base not in first_names and base not in ambiguous and base not in surnames:
            continue
        start, end = match.start(), match.start() + len(base)
        following = text[match.end():match.end() + 40]
        surname = re.match(rf" ({_CAP})", following)
        if surname and not _is_sentence_word(surname.group(1)):
            end = match.end() + surname.end()
        if base in first_names:
            spans.append((start, end))
        elif base in ambiguous and _ambiguous_is_name(text, match, surname is not None):
            spans.append((start, end))
        elif base in surnames and base not in first_names and _after_first_name(text, start):
            spans.append((start, end))
    return spans + _names_from_context(text, first_names | ambiguous)


#: Capitalised words that often start a sentence before a verb but are never a person's name.
_NOT_NAMES = frozenset("""I You He She It We They Everyone Everybody Nobody Someone Somebody
    Anyone No One Nothing Something Management Managers Staff Patients Relatives Family
    Families Doctors Nurses Midwives Leaders Leadership Security Pharmacy Theatres Reception
    Bank Agency Students Colleagues People Today Tonight Yesterday Tomorrow This That These
    Those There Here Then When What Who Why How Which Where My Our Your Their His Her Its
    The A An And But So Or If As At In On Of For By With From After Before During Because
    Although Though Also Even Still Just Only Maybe Perhaps Honestly Sadly Luckily Finally
    Eventually Later Earlier Mum Dad Matron Sister Nurse Doctor Consultant Registrar Manager
    Coordinator Preceptor Mentor Charge Senior Junior Ward Unit Hospital Trust God""".split())
_ROLE_NOUNS = ("HCA|nurse|midwife|manager|preceptor|mentor|educator|coordinator|consultant|"
               "registrar|sister|matron|clerk|colleague|friend|student|doctor|porter|buddy|"
               "receptionist|physio|pharmacist|housekeeper|cleaner|assistant|lead")
_APPOSITION = re.compile(rf"\b(?:{_ROLE_NOUNS}), ({_CAP}),")
#: Verbs after which a capitalised word is very likely a person ("Sunil walked ...").
_PERSON_VERBS = ("said|says|told|asked|came|helped|brought|took|gave|showed|smiled|looked|"
                 "noticed|answered|stayed|sat|called|rang|made|covered|walked|explained|"
                 "thanked|listened")
_BEFORE_VERB = re.compile(rf"\b({_CAP}) (?:{_PERSON_VERBS})\b")
_PAIR = re.compile(rf"\b({_CAP}) and ({_CAP})\b")


def _names_from_context(text: str, known: frozenset[str]) -> list[tuple[int, int]]:
    """Names not in our lists, recognised by how they are used.

    "The HCA, Lorraine, is ..." (apposition after a role), "Sunil walked ..." (a capitalised word
    before a verb people do), and "Jess and Tom" (paired with a name we know).
    """
    spans = [m.span(1) for m in _APPOSITION.finditer(text)]
    spans += [m.span(1) for m in _BEFORE_VERB.finditer(text) if _could_be_name(m.group(1))]
    for match in _PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        if first in known and _could_be_name(second):
            spans.append(match.span(2))
        if second in known and _could_be_name(first):
            spans.append(match.span(1))
    return spans


def _could_be_name(word: str) -> bool:
    return (not word.endswith(("ing", "ed", "ly")) and word not in _NOT_NAMES
            and word not in _GENERIC_PLACE_WORDS and word not in _NOT_SURNAMES
            and word not in _words("places.txt"))


def _ambiguous_is_name(text: str, match: re.Match, has_surname: bool) -> bool:
    """"Grace was lovely" is a person; "May I ask" and "in May" are not."""
    if has_surname:
        return True
    following = re.match(r"(?:'s)?\s+([a-z]+)", text[match.end():])
    follower = following.group(1) if following else ""
    if follower in _NAME_FOLLOWERS or text[match.end():].startswith("'s"):
        return True
    if re.match(r", (?:who|the|our|my|a|an|from)\b", text[match.end():]):
        return True  # apposition: "Dawn, who has been here thirty years"
    previous = re.search(r"(\w+)\W*$", text[:match.start()])
    if previous and previous.group(1).lower() in _MONTH_CONTEXT:
        return False
    if _at_sentence_start(text, match.start()):
        return False
    return follower not in {"", "i", "you", "we", "be", "have"} and not re.match(
        r"\s*\d", text[match.end():])


def _after_first_name(text: str, start: int) -> bool:
    previous = re.search(rf"({_CAP}) $", text[:start])
    return bool(previous and previous.group(1) in _words("first_names.txt"))


_NOT_SURNAMES = frozenset("""The A An And But So On In At It Then When After Before Today
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Ward Hospital Unit""".split())


def _is_sentence_word(word: str) -> bool:
    """Capitalised words that follow a name without being part of it."""
    return word in _NOT_SURNAMES


def _at_sentence_start(text: str, position: int) -> bool:
    return bool(_SENTENCE_START.search(text[:position]))


def term_kind(term: str) -> str:
    """"place" for a writer's hide-term that names a place of work or a town, else "name"."""
    words = set(term.replace("-", " ").split())
    place_words = {w.lower() for w in _PLACE_NOUNS.replace(" ", "|").split("|")}
    if {w.lower() for w in words} & place_words or term in _words("places.txt"):
        return "place"
    return "name"
