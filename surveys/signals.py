"""Signals the survey engine sends, so higher parts can react without the engine knowing them."""

from django.dispatch import Signal

# Sent inside the submit transaction, after the Response and its answers are stored and before
# the draft is deleted: kwargs `response`, `context` (the draft's context dict) and `easy_read`.
response_submitted = Signal()
