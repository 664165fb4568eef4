"""Message texts: the placeholders a template may use, the default Chinese templates shipped in code, the check of a
template and its rendering.

A template is plain text with placeholders in braces, ``{案号}``. Rendering is ``str.format_map`` over a dict of
whitelisted names holding plain strings: no attribute or index access (``{案号.x}``, ``{案号[0]}``), no conversions
or format specs, no template code. A template naming a placeholder its event does not provide is refused when
saved, naming the field.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Channel, EventKind

SMS_SEGMENT = 70  # characters of one SMS segment with Chinese text (UCS-2)
SMS_LONG_SEGMENT = 67  # per segment once a text is split (concatenated SMS)

COMMON = ("法院", "案号", "当事人", "承办人", "联系电话", "日期")
EXTRA: dict[str, tuple[str, ...]] = {
    EventKind.CASE_ACCEPTED: ("案款账户",),
    EventKind.FUNDS_RECEIVED: ("金额", "案款账户"),
    EventKind.PAYOUT_EXECUTED: ("金额",),
    EventKind.MEASURE_TAKEN: ("措施",),
    EventKind.CASE_CLOSED: ("结案方式",),
    EventKind.ZHONGBEN_QUERY_RESULT: ("被执行人", "查询结果"),
}


def placeholders_for(event: str) -> tuple[str, ...]:
    return COMMON + EXTRA.get(event, ())


_TD = "回复TD退订"

# (event, channel) -> (audience, subject, body)
DEFAULTS: dict[tuple[str, str], tuple[str, str, str]] = {
    (EventKind.CASE_ACCEPTED, Channel.SMS): (
        "both", "",
        "【{法院}】{当事人}：{案号}执行案件已立案受理，承办人{承办人}，联系电话{联系电话}。案款账户：{案款账户}。" + _TD),
    (EventKind.CASE_ACCEPTED, Channel.EMAIL): (
        "both", "{案号}执行案件立案受理通知",
        "{当事人}：\n\n{案号}执行案件已于{日期}立案受理。\n承办人：{承办人}\n联系电话：{联系电话}\n"
        "案款账户：{案款账户}\n\n{法院}"),
    (EventKind.FUNDS_RECEIVED, Channel.SMS): (
        "applicants", "",
        "【{法院}】{当事人}：{案号}案件于{日期}收到执行款{金额}，将依法及时发放。" + _TD),
    (EventKind.FUNDS_RECEIVED, Channel.EMAIL): (
        "applicants", "{案号}案件执行款到账通知",
        "{当事人}：\n\n{案号}案件于{日期}收到执行款{金额}，法院将依法及时发放。\n如有疑问请联系承办人{承办人}，电话{联系电话}。\n\n{法院}"),
    (EventKind.PAYOUT_EXECUTED, Channel.SMS): (
        "applicants", "",
        "【{法院}】{当事人}：{案号}案件已于{日期}向您发放案款{金额}，请注意查收。" + _TD),
    (EventKind.PAYOUT_EXECUTED, Channel.EMAIL): (
        "applicants", "{案号}案件案款发放通知",
        "{当事人}：\n\n{案号}案件已于{日期}向您发放案款{金额}，请注意查收。\n如有疑问请联系承办人{承办人}，电话{联系电话}。\n\n{法院}"),
    (EventKind.MEASURE_TAKEN, Channel.SMS): (
        "applicants", "",
        "【{法院}】{当事人}：{案号}案件已于{日期}采取{措施}措施。承办人{承办人}，电话{联系电话}。" + _TD),
    (EventKind.MEASURE_TAKEN, Channel.EMAIL): (
        "applicants", "{案号}案件执行措施告知",
        "{当事人}：\n\n{案号}案件已于{日期}采取{措施}措施。\n承办人：{承办人}，联系电话：{联系电话}。\n\n{法院}"),
    (EventKind.CASE_CLOSED, Channel.SMS): (
        "both", "",
        "【{法院}】{当事人}：{案号}案件已于{日期}结案（{结案方式}）。如有疑问请联系{承办人}，电话{联系电话}。" + _TD),
    # The applicant must be told the result of each 6-monthly query after 终本 (ZB-9; inquiry.services.zhongben).
    (EventKind.ZHONGBEN_QUERY_RESULT, Channel.SMS): (
        "applicants", "",
        "【{法院}】{当事人}：{案号}案件终结本次执行程序后，本院于{日期}对被执行人{被执行人}进行了网络查控，{查询结果}。"
        "如有财产线索请联系承办人{承办人}，电话{联系电话}。" + _TD),
    (EventKind.ZHONGBEN_QUERY_RESULT, Channel.EMAIL): (
        "applicants", "{案号}案件终本后财产查询结果告知",
        "{当事人}：\n\n{案号}案件终结本次执行程序后，本院于{日期}通过网络执行查控系统对被执行人{被执行人}的财产进行了查询，"
        "{查询结果}。\n如您掌握被执行人的财产线索，请联系承办人{承办人}，电话{联系电话}。\n\n{法院}"),
    (EventKind.CASE_CLOSED, Channel.EMAIL): (
        "both", "{案号}案件结案通知",
        "{当事人}：\n\n{案号}案件已于{日期}结案，结案方式：{结案方式}。\n如有疑问请联系承办人{承办人}，电话{联系电话}。\n\n{法院}"),
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str

    @property
    def length(self) -> int:
        return len(self.body)

    @property
    def segments(self) -> int:
        return sms_segments(self.body)


def sms_segments(text: str) -> int:
    n = len(text)
    if n <= SMS_SEGMENT:
        return 1
    return -(-n // SMS_LONG_SEGMENT)


def _fields(text: str, field: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationError({field: [_("Unbalanced braces: write a placeholder as {案号}; a brace on its own is "
                                         "not allowed.")]}) from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name:
            raise ValidationError({field: [_("Placeholder {%(name)s} is not allowed: write only the name in braces, "
                                             "as {案号}.") % {"name": name + (("!" + conversion) if conversion else "")
                                                             + ((":" + spec) if spec else "")}]})
        names.append(name)
    return names


def template_check(*, event: str, subject: str, body: str) -> None:
    """Refuse a template that names a placeholder its event does not provide (or uses anything but plain names)."""
    allowed = set(placeholders_for(event))
    errors: dict[str, list[str]] = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            unknown = [n for n in _fields(text, field) if n not in allowed]
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if unknown:
            errors[field] = [_("Unknown placeholder %(names)s. Allowed for this event: %(allowed)s.") % {
                "names": "、".join("{" + n + "}" for n in dict.fromkeys(unknown)),
                "allowed": "、".join("{" + n + "}" for n in placeholders_for(event))}]
    if errors:
        raise ValidationError(errors)


class _Values(dict):
    def __missing__(self, key):  # a stored template checked before a placeholder was removed: render it empty
        return ""


def render(*, subject: str, body: str, values: dict[str, str]) -> Rendered:
    """The text with its placeholders filled; values are plain strings (no attribute access is possible)."""
    safe = _Values({k: str(v) for k, v in values.items()})
    return Rendered(subject=_format(subject, safe), body=_format(body, safe))


def _format(text: str, values: _Values) -> str:
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values[name])
    return "".join(out)
