"""Reads of the follow-up for pages, reports and other apps: nothing here changes anything."""
