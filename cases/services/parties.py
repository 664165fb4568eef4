"""Editing a party's contact details (phones, address, legal representative) from one of their cases.

Two clerks may edit the same party at once. Each edit carries the values its form showed (``original``); only the
fields the clerk changed are written, by one conditional UPDATE that also requires each changed field to still hold
the value the form showed. So a phone edit and an address edit made at the same time both survive, while an edit of a
field someone else changed since the form was opened is refused instead of silently overwriting theirs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from core.text import clean_name, clean_phone_list, clean_text

from .. import events
from ..models import Case, CaseParty, Party
from ._common import audited, lock_case

EDITABLE_FIELDS = ("phones", "address", "legal_representative", "postcode")


class PartyDetailsStale(ValidationError):
    """A field the editor changed was changed by someone else since the form was opened (the API answers 409)."""


def _clean(field: str, value):
    if field == "phones":
        return clean_phone_list(value, field="phones")
    if field == "address":
        return clean_text(value, field="address", max_length=300)
    if field == "postcode":
        return clean_postcode(value, field="postcode")
    return clean_name(value, field="legal_representative", max_length=100, required=False)


def clean_postcode(value, *, field: str) -> str:
    """A 6-digit postcode (邮政编码), or empty; full-width digits and blanks typed in are accepted."""
    text = clean_text(value, field=field, max_length=20)
    text = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in text).replace(" ", "")
    if text and not (len(text) == 6 and text.isascii() and text.isdigit()):
        raise ValidationError({field: [_("A postcode is 6 digits.")]})
    return text


def _as_stored(field: str, value):
    """The value as the form showed it, in the column's form (no cleaning: it must match the row exactly)."""
    if field == "phones":
        if value is None:
            return []
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValidationError({f"original.{field}": _("Enter a list.")})
        return list(value)
    if not isinstance(value, str):
        raise ValidationError({f"original.{field}": _("Enter text.")})
    return value


@audited
def party_details_update(*, actor, case: Case, party: Party, changes: dict, original: dict) -> Party:
    """Write the changed contact details of ``party`` (a party to ``case``); ``original`` holds, for each field in
    ``changes``, the value the editor's form showed. Raises ValidationError naming the field when another edit
    changed that field in between."""
    case = lock_case(case)
    require(actor, Perm.CASE_EDIT, case)
    if not CaseParty.objects.filter(case=case, party=party).exists():
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    new, old = {}, {}
    for field, value in changes.items():
        if field not in original:
            raise ValidationError({f"original.{field}": [_("Send the value the form showed.")]})
        before = _as_stored(field, original[field])
        after = _clean(field, value)
        if after != before:
            new[field], old[field] = after, before
    if not new:
        return Party.objects.get(pk=party.pk)
    written = Party.objects.filter(pk=party.pk, **old).update(**new, updated_at=timezone.now())
    if not written:
        current = Party.objects.get(pk=party.pk)
        stale = [f for f in new if getattr(current, f) != old[f]]
        message = _("This party's details were changed by someone else; reload the page and try again.")
        raise PartyDetailsStale({f: [message] for f in (stale or list(new))})
    party = Party.objects.get(pk=party.pk)
    events.party_details_changed(case=case, actor=actor, party=party, old=old, new=new)
    return party


