"""`{% questions entries %}`: the questions of a section page, drawn by Jinja2.

Every section page draws ten or more questions of five to six options each; the Django template
language spent about 5 ms of CPU a page on them (more than the rest of the request), Jinja2 about
a tenth of that (benchmarks/load.py). The page around them stays a Django template.
"""

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

QUESTIONS = "surveys/respond/questions.html"


@register.simple_tag(takes_context=True)
def questions(context: template.Context, entries: list) -> SafeString:
    markup = (
        engines["jinja2"]
        .get_template(QUESTIONS)
        .render(
            {
                "entries": entries,
                "easy_read": bool(context.get("easy_read")),
                "text_limit": context.get("text_limit"),
            }
        )
    )
    return mark_safe(markup)  # Jinja2 escaped every value: autoescape is on
