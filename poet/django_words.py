"""Django's own words that people read on POET's pages and that Django has no Welsh for.

Django 5.2 writes these with a curly apostrophe (or they are new), and its Welsh catalogue has
none of them, so the password pages showed them in English on a Welsh page. Marked here, they are
extracted into POET's catalogue (`manage.py interface_messages`), whose Welsh is found before
Django's (`LOCALE_PATHS`). The English must stay exactly Django's: it is the message's key.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_WORDS = (
    # django.contrib.auth.password_validation: the rules under a new password, and their errors
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
    # django.contrib.auth.forms and views: setting and resetting a password
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Password reset sent"),
)
