"""The comparison section of the wave page reads its state through this tag."""

from django import template

from reports.selectors.runs import latest_job, latest_run

register = template.Library()


@register.simple_tag
def comparison_state(wave) -> dict:
    """The latest run and the latest comparison job of a wave, for the wave page section."""
    return {"run": latest_run(wave), "job": latest_job(wave)}
