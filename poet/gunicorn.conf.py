"""gunicorn settings for POET: `gunicorn -c poet/gunicorn.conf.py poet.wsgi --bind … --workers …`.

The access log (on, to stdout) and the error log go through `RedactingLogger`, so no link token
that still works (invitations, participants, open links, password resets) is ever written.
"""

logger_class = "poet.gunicorn_logging.RedactingLogger"
accesslog = "-"
errorlog = "-"
