"""Input hygiene for names and free text: the one place that decides which characters may be stored.

Unicode direction controls (U+202A-U+202E, U+2066-U+2069) and other invisible characters (category Cc, control
characters, and Cf, format characters such as U+200B-U+200F, U+2060, U+FEFF, U+00AD) let a printed notice show a name
other than the one stored ("张三\u202e..." prints reversed), or make two names that look the same differ. So:

- ``clean_name``: a name (party, representative, agent, petitioner) containing any of them is refused with an error
  naming the field: a name with a direction override is a spoof attempt, not a typing slip.
- ``clean_text``: free text (addresses, reasons, notes, descriptions) has them removed; multi-line text keeps its line
  breaks and tabs, single-line text turns them into spaces. Both are held to a length the printed notices survive.

Services call these before they write, so a page, the API and a command get the same answer.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}


def is_invisible(ch: str) -> bool:
    """A control (Cc) or format (Cf) character, or a line/paragraph separator: nothing a reader can see."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def has_invisible(value: str) -> bool:
    return any(is_invisible(ch) for ch in value)


def strip_invisible(value: str, *, multiline: bool = False) -> str:
    """Remove invisible characters; line breaks and tabs survive in multi-line text, become spaces otherwise."""
    for old, new in _LINE_BREAKS.items():
        value = value.replace(old, new)
    out = []
    for ch in value:
        if ch in "\n\t":
            out.append(ch if multiline else " ")
        elif not is_invisible(ch):
            out.append(ch)
    return "".join(out)


def _too_long(field: str, limit: int, length: int) -> ValidationError:
    return ValidationError({field: [_("Keep this to %(limit)s characters (it has %(length)s).")
                                    % {"limit": limit, "length": length}]})


def clean_text(value, *, field: str, max_length: int, multiline: bool = False, required: bool = False,
               required_message: str | None = None) -> str:
    """Free text as it will be stored: invisible characters removed, surrounding blanks trimmed, length checked."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Enter text.")]})
    text = strip_invisible(value, multiline=multiline)
    if multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = re.sub(r" {2,}", " ", text)
    text = text.strip()
    if required and not text:
        raise ValidationError({field: [required_message or _("This field is required.")]})
    if len(text) > max_length:
        raise _too_long(field, max_length, len(text))
    return text


def clean_name(value, *, field: str, max_length: int = 200, required: bool = True,
               required_message: str | None = None) -> str:
    """A name as it will be stored and printed: refused if it holds direction controls or invisible characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Enter text.")]})
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValidationError({field: [_("The name contains a text-direction control character; type it again "
                                         "without it.")]})
    if has_invisible(value):
        raise ValidationError({field: [_("The name contains an invisible character (a control, zero-width or "
                                         "format character); type it again without it.")]})
    name = re.sub(r"\s{2,}", " ", value).strip()
    if required and not name:
        raise ValidationError({field: [required_message or _("This field is required.")]})
    if len(name) > max_length:
        raise _too_long(field, max_length, len(name))
    return name


def clean_text_list(values, *, field: str, max_length: int, max_items: int) -> list[str]:
    """A list of short texts (phones, tags): each cleaned, blanks dropped, duplicates dropped, count bounded."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ValidationError({field: [_("Enter a list.")]})
    out: list[str] = []
    for i, v in enumerate(values):
        text = clean_text(v, field=f"{field}.{i}", max_length=max_length)
        if text and text not in out:
            out.append(text)
    if len(out) > max_items:
        raise ValidationError({field: [_("At most %(n)s entries.") % {"n": max_items}]})
    return out


# A telephone number as a clerk writes it: digits with an optional leading +, spaces, hyphens or brackets for the
# area code, and an extension after 转 (or "ext"/"x"): "13800000001", "0938-8212345", "(0938) 821 2345 转 602".
_PHONE = re.compile(r"\+?[0-9(][0-9 ()\-]{2,24}(?: ?(?:转|ext\.?|x) ?[0-9]{1,6})?", re.IGNORECASE)


def clean_phone_list(values, *, field: str, max_items: int = 10) -> list[str]:
    """Telephone numbers: each cleaned like short text, then checked to be a number (not "abc电话")."""
    phones = clean_text_list(values, field=field, max_length=40, max_items=max_items)
    for i, phone in enumerate(phones):
        if not _PHONE.fullmatch(phone) or sum(ch.isdigit() for ch in phone) < 5:
            raise ValidationError({field: [_("%(value)s is not a telephone number: use digits, with an area code "
                                             "and an extension (转) where needed.") % {"value": phone}]})
    return phones


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")
_PLAIN_NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?")


def email_normalise(value: str) -> str:
    """An e-mail address trimmed, its domain lower-cased (the local part is kept as typed), or "" when empty.
    Raises ValidationError (Django's validator) when it is not an address."""
    from django.core.validators import validate_email

    value = (value or "").strip()
    if not value:
        return ""
    validate_email(value)
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def spreadsheet_safe(value):
    """A cell value a spreadsheet will not run (CSV/formula injection, OWASP): text starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return (and ``|``, ``%``, as defusedcsv also escapes) gets a leading single
    quote, so Excel and WPS show it as text. Numbers (int, Decimal, dates) pass unchanged, and so does text that is
    just a number ("-12.50"), which no spreadsheet evaluates as a formula."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
