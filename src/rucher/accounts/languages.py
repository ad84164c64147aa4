"""Languages a person may say they speak (ISO 639-1 codes), with translated names."""

from django.utils.translation import gettext_lazy as _

SPOKEN_LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("vi", _("Vietnamese")),
]
SPOKEN_LANGUAGE_CODES = {code for code, _name in SPOKEN_LANGUAGES}


def language_name(code: str) -> str:
    return str(dict(SPOKEN_LANGUAGES).get(code, code))
