"""Exchange with other software: plain data in, files out (and back), nothing of Django, so each
format can be tested alone and the apps only map their models onto its dataclasses."""
