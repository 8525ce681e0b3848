"""Writes of the reports app, each recording its own audit: starting and computing comparison runs
(`comparison`), making and fetching report files (`downloads`), starting the next wave
(`next_wave`)."""
