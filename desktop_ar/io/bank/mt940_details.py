"""The ``:86:`` and ``:NS:`` details of an MT940 transaction: who paid, and what for.

Three layouts are recognised:

* German / Polish / Triodos sub-fields (``051?00text?20purpose…?32name``, ``000>20…``): the GV
  code, ``?00`` booking text, ``?20``–``?29`` and ``?60``–``?65`` purpose (joined without
  spaces: banks cut the text at fixed widths, often inside a word), ``?30`` bank code, ``?31``
  account, ``?32``/``?33`` name, ``?38`` IBAN; SEPA keys in the purpose (``EREF+``, ``KREF+``,
  ``SVWZ+``…) give the end-to-end id and reference;
* Dutch SEPA keywords (``/EREF/…/CNTP/iban/bic/name/…/NAME/…/REMI/…``);
* free text, whose lines are joined with a space unless a line is a full 65-character SWIFT
  line (then the word was cut and the next line continues it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from desktop_ar.io.bank.model import clean_text

__all__ = ["Details", "parse_details", "parse_ns", "split_account"]

_SWIFT_WIDTH = 65
_STRUCTURED = re.compile(r"^\s*(\d{3})?\s*([?>])\d\d")
_SEPA_KEYS = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC)\+")
_NL_KEYS = re.compile(
    r"/(EREF|NAME|REMI|ISDT|BENM|ORDP|IBAN|BIC|CNTP|MARF|CSID|TRCD|PURP|RTRN|ADDR|SVCL|PREF|"
    r"ULTC|ULTD|ULTB|EXCH|OCMT|CHGS|BUSP|RTYP)/"
)
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF", "NOT PROVIDED"}


@dataclass(frozen=True, slots=True)
class Details:
    """What the details of one transaction say (every field optional)."""

    name: str | None = None
    account: str | None = None
    bank: str | None = None
    reference: str | None = None
    end_to_end_id: str | None = None
    memo: str | None = None
    code: str | None = None

    def merge(self, other: Details) -> Details:
        """Fill the empty fields from ``other``; memos are joined."""
        values = {f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        values["memo"] = " ".join(m for m in (self.memo, other.memo) if m) or None
        return replace(self, **values)


def _value(text: str | None) -> str | None:
    value = clean_text(text)
    if value is None or value.upper() in _NOT_PROVIDED:
        return None
    return value


def _free_text(lines: list[str]) -> str:
    out = ""
    for index, line in enumerate(lines):
        width = len(line) + (4 if index == 0 else 0)  # the first line follows ":86:"
        out += line
        if width < _SWIFT_WIDTH:
            out += " "
    return out


def _sepa(purpose: str) -> dict[str, str]:
    parts = _SEPA_KEYS.split(purpose)
    values: dict[str, str] = {}
    for index in range(1, len(parts) - 1, 2):
        values.setdefault(parts[index], parts[index + 1].strip())
    return values


def _structured(joined: str, sep: str, gv: str | None) -> Details:
    pattern = re.escape(sep) + r"(\d\d)"
    parts = re.split(pattern, joined)
    sub: dict[str, list[str]] = {}
    for index in range(1, len(parts) - 1, 2):
        sub.setdefault(parts[index], []).append(parts[index + 1].rstrip("?"))

    def take(*codes: str) -> str:
        return "".join(text for code in codes for text in sub.get(code, []))

    purpose = take(*(f"{n}" for n in range(20, 30)), *(f"{n}" for n in range(60, 66)))
    keys = _sepa(purpose)
    memo = " ".join(p for p in (take("00"), purpose) if p.strip())
    return Details(
        name=_value(take("32", "33")) or _value(keys.get("ABWA")),
        account=_value(take("38")) or _value(take("31")) or _value(keys.get("IBAN")),
        bank=_value(take("30")),
        reference=_value(keys.get("KREF")),
        end_to_end_id=_value(keys.get("EREF")),
        memo=clean_text(memo),
        code=gv,
    )


def _dutch(joined: str) -> Details:
    parts = _NL_KEYS.split(joined)
    values: dict[str, str] = {}
    for index in range(1, len(parts) - 1, 2):
        values.setdefault(parts[index], parts[index + 1].strip().rstrip("/"))
    name = values.get("NAME")
    account = values.get("IBAN")
    if "CNTP" in values:
        cntp = values["CNTP"].split("/")
        account = account or (cntp[0] if cntp else None)
        name = name or (cntp[2] if len(cntp) > 2 else None)
    remittance = re.sub(r"^(USTD|STRD)/+(CUR/)?", "", values.get("REMI", ""))
    return Details(
        name=_value(name),
        account=_value(account),
        end_to_end_id=_value(values.get("EREF")),
        reference=_value(values.get("MARF")),
        memo=clean_text(remittance) or clean_text(joined),
    )


def parse_details(lines: list[str]) -> Details:
    """Read the ``:86:`` field of a transaction.

    Args:
        lines: the field's lines as in the file (the first one without ``:86:``).

    Returns:
        What the details say; ``memo`` always holds the readable text.
    """
    joined = "".join(line.rstrip("\r") for line in lines)
    match = _STRUCTURED.match(joined)
    if match is not None:
        return _structured(joined, match.group(2), match.group(1))
    if joined.lstrip().startswith("/") and _NL_KEYS.search(joined):
        return _dutch(joined)
    return Details(memo=clean_text(_free_text(lines)))


def parse_ns(lines: list[str]) -> Details:
    """Read a ``:NS:`` (non-SWIFT) field: two-digit codes, 15/16 the counterparty's name.

    Args:
        lines: the field's lines.

    Returns:
        The name from codes 15 and 16 and the other values as memo.
    """
    items: list[tuple[str, str]] = []
    for line in lines:
        match = re.match(r"^(\d\d)(.*)$", line.strip())
        if match:
            items.append((match.group(1), match.group(2)))
        elif items:
            items[-1] = (items[-1][0], items[-1][1] + line.strip())
    name = "".join(v for code, v in items if code in ("15", "16"))
    memo = " ".join(v.strip() for code, v in items if code not in ("15", "16") and v.strip())
    return Details(name=_value(name), memo=clean_text(memo))


def split_account(text: str, currency: str | None) -> tuple[str | None, str | None]:
    """The account and bank of a ``:25:`` field (``BIC/account``, ``BLZ/account``, ``…EUR``)."""
    value = text.strip().strip('"').strip()
    bank = None
    if "/" in value:
        left, right = value.split("/", 1)
        if _BIC.match(left) or left.isdigit():
            bank, value = left, right.strip().strip('"')
    if currency and value.endswith(currency) and len(value) > 3 and not _IBAN.match(value):
        value = value[: -len(currency)].rstrip("/ ")
    return value or None, bank
