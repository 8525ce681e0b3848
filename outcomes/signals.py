"""Signals the follow-up sends, so higher parts (reports) can react without it knowing them."""

from django.dispatch import Signal

# Sent once a follow-up schedule has closed and the change is committed: kwarg `schedule`.
# Closing is the moment the staff/users comparison should run; the reports part connects here.
follow_up_closed = Signal()
