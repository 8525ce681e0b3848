"""Signals the core sends, so the apps above it can each do their part without the sender
knowing them (as the survey engine's `response_submitted`)."""

from django.dispatch import Signal

# Sent inside the transaction that starts the next wave, right after the new wave is created:
# kwargs `source` (the wave copied from), `wave` (the new wave) and `actor`. Each app copies its
# part (surveys: the questionnaires; outcomes: the follow-up's chosen outcomes).
next_wave_started = Signal()

# Sent inside the transaction that deletes a closed wave's personal data (surveys: the staff
# e-mail addresses): kwargs `wave` and `actor`. Each app deletes its own part with it (outcomes:
# the kept original files of notes and transcripts).
wave_personal_data_deleted = Signal()
