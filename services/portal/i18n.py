"""The page's language: French (the messages' source text) or Arabic (a gettext catalog), and how dates and
amounts are written in each, with Babel's Moroccan locales (Latin digits, as Moroccan documents use)."""

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from gettext import c2py
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("fr", "ar")
DEFAULT_LANGUAGE = "fr"
_BABEL_LOCALE = {"fr": "fr_MA", "ar": "ar_MA"}
_CATALOG_DIR = Path(__file__).parent / "locale"
_MOROCCO = ZoneInfo("Africa/Casablanca")

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


class Catalog:
    """A language's translations from its .po file: msgid → text, and for a message with plurals its forms, chosen
    by the language's own rule (Arabic has six). French needs none: the templates are written in French."""

    def __init__(self, language: str) -> None:
        self.texts: dict[str, str] = {}
        self.plurals: dict[str, tuple[str, ...]] = {}
        self.plural_index = lambda count: 0 if count == 1 else 1
        path = _CATALOG_DIR / f"{language}.po"
        if not path.exists():
            return
        with path.open("rb") as handle:
            catalog = read_po(handle)
        self.plural_index = c2py(catalog.plural_expr)
        for message in catalog:
            if not message.id or message.fuzzy or not message.string:
                continue
            if isinstance(message.id, tuple):
                self.plurals[message.id[0]] = tuple(message.string)
            else:
                self.texts[message.id] = message.string


_CATALOGS = {language: Catalog(language) for language in LANGUAGES}


def gettext(message: str) -> str:
    return _CATALOGS[current_language.get()].texts.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    catalog = _CATALOGS[current_language.get()]
    forms = catalog.plurals.get(singular) or (singular, plural)
    return forms[min(catalog.plural_index(count), len(forms) - 1)]


def babel_locale() -> str:
    """Babel's locale of the page's language (fr_MA, ar_MA: Latin digits)."""
    return _BABEL_LOCALE[current_language.get()]


def comma() -> str:
    """What separates the items of a list in the page's language (Arabic has its own comma)."""
    return "، " if current_language.get() == "ar" else ", "


def direction(language: str) -> str:
    return "rtl" if language == "ar" else "ltr"


def best_language(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        if (tag := part.split(";")[0].strip().lower()[:2]) in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def written_date(value: date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    locale = _BABEL_LOCALE[current_language.get()]
    if isinstance(value, datetime):
        return format_datetime(value.astimezone(_MOROCCO), "d MMMM y, HH:mm", locale=locale)
    return format_date(value, "long", locale=locale)


def written_moment(value: datetime | str | None) -> str:
    """A date and time to the second, in Morocco's time (the audit trail: several actions a minute)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment.astimezone(_MOROCCO), "d MMMM y, HH:mm:ss", locale=babel_locale())


def written_factor(value: Decimal | str | None) -> str:
    if value in (None, ""):
        return ""
    return format_decimal(Decimal(str(value)), format="0.0000", locale=_BABEL_LOCALE[current_language.get()])


def written_amount(value: Decimal | str | None) -> str:
    if value in (None, ""):
        return ""
    number = format_decimal(Decimal(str(value)), format="#,##0.00", locale=_BABEL_LOCALE[current_language.get()])
    currency = gettext("MAD")
    return f"{number} {currency}"
