"""Models arrive with the follow-up and comparison issues."""
