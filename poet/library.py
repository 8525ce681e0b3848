"""The built-in library of outcome statements, as data.

Each is a change for people who use services, written positively and from their point of view,
in our own plain words, with a short stable code and an easy-read version. The data migration
`0002_outcome_library` loads them as library statements (no partnership). Codes never change:
answers, exports and reports refer to them.
"""

from typing import NamedTuple


class LibraryOutcome(NamedTuple):
    code: str
    text: str
    easy_read_text: str


OUTCOME_LIBRARY: list[LibraryOutcome] = [
    LibraryOutcome(
        "O-HOME",
        "I can stay living in my own home for as long as I want to.",
        "I can stay in my own home.",
    ),
    LibraryOutcome(
        "O-STORY",
        "I only have to tell my story once.",
        "I tell my story one time only.",
    ),
    LibraryOutcome(
        "O-CARER",
        "My carer gets the support they need to carry on caring and to have a life of their own.",
        "The person who looks after me gets help too.",
    ),
    LibraryOutcome(
        "O-CONTROL",
        "I have a say in the care and support I get, and choices about how it is given.",
        "I choose the help I get.",
    ),
    LibraryOutcome(
        "O-SAFE",
        "I feel safe, at home and when I go out.",
        "I feel safe.",
    ),
    LibraryOutcome(
        "O-WELL",
        "I stay as well and as healthy as I can.",
        "I stay as well as I can.",
    ),
    LibraryOutcome(
        "O-CONTACT",
        "I know who to contact when I need help, and they get back to me.",
        "I know who to call for help.",
    ),
    LibraryOutcome(
        "O-PLAN",
        "I have one plan for my care that everyone who supports me follows.",
        "Everyone who helps me uses the same plan.",
    ),
    LibraryOutcome(
        "O-TIMELY",
        "I get help when I need it, before things become a crisis.",
        "I get help quickly, before things get bad.",
    ),
    LibraryOutcome(
        "O-INFO",
        "I get information I can understand, when I need it, to make my own decisions.",
        "I get information that is easy to understand.",
    ),
    LibraryOutcome(
        "O-RESPECT",
        "I am treated with dignity and respect.",
        "People treat me kindly and with respect.",
    ),
    LibraryOutcome(
        "O-HOSPITAL",
        "I only go into hospital when I really need to, and I come home as soon as I am ready.",
        "I go to hospital only when I need to. I come home when I am ready.",
    ),
    LibraryOutcome(
        "O-INDEPENDENT",
        "I can do as much for myself as I want to, with the right help.",
        "I can do things for myself.",
    ),
    LibraryOutcome(
        "O-CONNECTED",
        "I keep in touch with family, friends and my community, and I do not feel lonely.",
        "I see my family and friends. I do not feel lonely.",
    ),
    LibraryOutcome(
        "O-ACTIVITY",
        "I can spend my time doing things that matter to me.",
        "I do things I enjoy.",
    ),
    LibraryOutcome(
        "O-MONEY",
        "I have enough money to live on and I get the benefits I am entitled to.",
        "I have enough money.",
    ),
    LibraryOutcome(
        "O-MENTAL",
        "I get support for my mental health as well as my physical health.",
        "I get help with my feelings and my body.",
    ),
    LibraryOutcome(
        "O-FAMILY",
        "My family and I are supported to stay together and to get on well.",
        "My family gets help to stay together.",
    ),
    LibraryOutcome(
        "O-LEARN",
        "I can learn, work or volunteer if I want to.",
        "I can learn, work or help others.",
    ),
    LibraryOutcome(
        "O-ENDLIFE",
        "When I am near the end of my life, I am comfortable and cared for where I choose.",
        "At the end of my life I am comfortable. I am in the place I choose.",
    ),
    LibraryOutcome(
        "O-CHANGE",
        "When my needs change, my support changes with them without a fight.",
        "When I need different help, I get it easily.",
    ),
]

# A sensible starting set for a new staff questionnaire: broad outcomes most health and social
# care partnerships aim at; evaluators add or remove before the wave opens.
DEFAULT_OUTCOME_CODES: list[str] = [
    "O-HOME",
    "O-STORY",
    "O-CARER",
    "O-CONTROL",
    "O-SAFE",
    "O-WELL",
    "O-CONTACT",
    "O-TIMELY",
]


def load_library(outcome_model) -> int:
    """Create or refresh the library statements; returns how many were new.

    Takes the model class so the data migration can pass its historical model; tests that flush
    the database (browser tests) call it again with the real one.
    """
    created = 0
    for outcome in OUTCOME_LIBRARY:
        _, new = outcome_model.objects.update_or_create(
            partnership=None,
            code=outcome.code,
            defaults={
                "text": outcome.text,
                "easy_read_text": outcome.easy_read_text,
                "source": "library",
            },
        )
        created += new
    return created


# The picture beside each library statement (`poet.models.OutcomeIcon` values).
LIBRARY_ICONS: dict[str, str] = {
    "O-HOME": "home",
    "O-STORY": "talk",
    "O-CARER": "carer",
    "O-CONTROL": "choice",
    "O-SAFE": "safe",
    "O-WELL": "health",
    "O-CONTACT": "phone",
    "O-PLAN": "plan",
    "O-TIMELY": "time",
    "O-INFO": "talk",
    "O-RESPECT": "people",
    "O-HOSPITAL": "home",
    "O-INDEPENDENT": "choice",
    "O-CONNECTED": "people",
    "O-ACTIVITY": "star",
    "O-MONEY": "plan",
    "O-MENTAL": "health",
    "O-FAMILY": "people",
    "O-LEARN": "star",
    "O-ENDLIFE": "carer",
    "O-CHANGE": "choice",
}

# Words of a statement and the picture they suggest, first match wins.
_ICON_WORDS: list[tuple[tuple[str, ...], str]] = [
    (("home", "house", "live"), "home"),
    (("carer", "caring", "look after", "looks after"), "carer"),
    (("safe",), "safe"),
    (("health", "well", "pain"), "health"),
    (("call", "phone", "contact"), "phone"),
    (("plan", "form", "money"), "plan"),
    (("wait", "time", "quick", "soon"), "time"),
    (("choose", "choice", "say in", "decide"), "choice"),
    (("tell", "talk", "story", "listen", "information"), "talk"),
    (("friend", "family", "people", "community", "lonely"), "people"),
]


def default_icon(code: str, text: str) -> str:
    """The picture for a statement nobody chose one for: the library's, or one its words
    suggest, or a star."""
    if code in LIBRARY_ICONS:
        return LIBRARY_ICONS[code]
    words = text.casefold()
    for keys, icon in _ICON_WORDS:
        if any(key in words for key in keys):
            return icon
    return "star"
