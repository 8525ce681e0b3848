"""Pages of the follow-up with service users and carers."""
