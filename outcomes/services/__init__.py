"""Every change to the follow-up, each recording its own audit: the schedule, the follow-up
questionnaire, participants, answers entered or imported, guides, the shortlist, and copying the
follow-up into the next wave."""
