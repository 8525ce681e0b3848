"""`{% questions entries %}`: the questions of a section page, drawn by Jinja2; `{% word %}` and
`{% who_runs_it %}`: the page words of someone answering, in the wording they chose.

Every section page draws ten or more questions of five to six options each; the Django template
language spent about 5 ms of CPU a page on them (more than the rest of the request), Jinja2 about
a tenth of that (benchmarks/load.py). The page around them stays a Django template.
"""

from django import template
from django.core.cache import cache
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from poet.models import Wave
from surveys import respondent_words
from surveys.models import Questionnaire

register = template.Library()

QUESTIONS = "surveys/respond/questions.html"
PARTNERSHIP_NAME_SECONDS = 300


@register.simple_tag(takes_context=True)
def questions(context: template.Context, entries: list) -> SafeString:
    easy_read = bool(context.get("easy_read"))
    markup = (
        engines["jinja2"]
        .get_template(QUESTIONS)
        .render(
            {
                "entries": entries,
                "easy_read": easy_read,
                "text_limit": context.get("text_limit"),
                "words": respondent_words.words(easy_read),
                "counter_messages": respondent_words.counter_messages(easy_read),
                "counter": respondent_words.word(
                    "counter", easy_read, limit=context.get("text_limit")
                ),
                "pictures": bool(context.get("pictures")),
            }
        )
    )
    return mark_safe(markup)  # Jinja2 escaped every value: autoescape is on


@register.simple_tag(takes_context=True)
def word(context: template.Context, key: str, **values) -> str:
    """A page word in the page's wording (easy read when ``easy_read`` is on)."""
    return respondent_words.word(key, bool(context.get("easy_read")), **values)


@register.simple_tag(takes_context=True)
def who_runs_it(context: template.Context) -> dict[str, str]:
    """Who asks the questions and who to contact, for the foot of every respondent page: the
    questionnaire's contact, else whoever sent the link. Empty when the page knows no survey."""
    questionnaire = context.get("questionnaire")
    if not isinstance(questionnaire, Questionnaire):
        return {}
    easy_read = bool(context.get("easy_read"))
    staff = questionnaire.audience == Questionnaire.For.STAFF
    contact = (
        respondent_words.word("contact", easy_read, contact=questionnaire.contact)
        if questionnaire.contact
        else respondent_words.word("contact_staff" if staff else "contact_others", easy_read)
    )
    # Every page of every respondent shows it: kept a few minutes rather than read each time.
    partnership = cache.get_or_set(
        f"poet:respond:partnership-name:{questionnaire.wave_id}",
        lambda: (
            Wave.objects.filter(pk=questionnaire.wave_id)
            .values_list("partnership__name", flat=True)
            .first()
            or ""
        ),
        PARTNERSHIP_NAME_SECONDS,
    )
    return {
        "run_by": respondent_words.word("run_by", easy_read, partnership=partnership),
        "contact": contact,
    }
