"""Whether a wave takes answers now, or has closed to them for good."""

from django.utils import timezone

from poet.models import Wave


def is_accepting_answers(wave: Wave) -> bool:
    """Open, and not past its closing date (the date itself still counts)."""
    return wave.status == Wave.Status.OPEN and (
        wave.closes_on is None or timezone.localdate() <= wave.closes_on
    )


def is_closed(wave: Wave) -> bool:
    """Closed to answers for good: closed, or open but past its closing date (closed overnight).

    A wave still being designed is not closed: answers collected on paper may be imported into it.
    """
    if wave.status == Wave.Status.CLOSED:
        return True
    past = wave.closes_on is not None and wave.closes_on < timezone.localdate()
    return wave.status == Wave.Status.OPEN and past
