"""Writes of the reports app, each recording its own audit: starting and computing comparison runs
(`comparison`), making and fetching report files and the comparison CSV (`downloads`), reading a
report on screen (`reports`), starting the next wave (`next_wave`)."""
