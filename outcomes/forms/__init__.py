"""Forms of the follow-up pages: the schedule, participants, captured answers and the shortlist."""
