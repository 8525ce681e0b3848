"""The forms of the staff survey pages, one module per page family."""
