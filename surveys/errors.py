"""The one refusal of the survey's rules, so views, forms and other apps catch one exception."""


class SurveyError(Exception):
    """A rule of the survey was broken; the message is for the person who broke it."""
