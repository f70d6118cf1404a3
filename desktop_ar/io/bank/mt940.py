"""SWIFT MT940 customer statements (and refusing MT942 interim reports).

A small, tolerant parser written for what banks really send (the ``mt-940`` library fails on
ASN's wrapped ``:61:`` lines and accepts MT942 silently):

* tags are only the MT940/942 field tags (``:20:``, ``:25:``, ``:28C:``, ``:60F:``…, ``:NS:``); a
  wrapped line such as ``:26:37 Fo…`` inside ``:86:`` text is continuation, not a tag;
* SWIFT envelopes (``{1:…}{2:O940…}{4:``, ``-}``), bank pre-headers (``ABNANL2A`` / ``940``), SOH
  and ETX bytes and ``-`` / ``-XXX`` terminators are skipped;
* every ``:20:`` starts a statement; pages of one statement (``:62M:`` followed by ``:60M:`` of
  the same account) are joined into one statement;
* ``:61:`` lines: ``C``/``D``/``RC``/``RD`` marks with an optional funds-code letter (``CR``,
  ``DM``), a missing or blank entry date, a value date that does not exist (``160230``: the
  booking date then comes from the entry date, with a note);
* ``:86:`` text: German ``?20``–``?29`` / Triodos ``>20`` sub-fields (lines joined without
  spaces, as SWIFT wraps at 65 characters), Dutch ``/EREF/…/NAME/…/REMI/`` keywords, SEPA
  ``EREF+`` / ``KREF+`` / ``SVWZ+`` keys, or free text; ``:NS:`` non-SWIFT details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop_ar.domain.money import Money
from desktop_ar.io.bank.model import (
    BankFileError,
    BankLine,
    BankStatement,
    clean_text,
    currency_note,
    make_money,
    money_text,
)
from desktop_ar.io.bank.mt940_details import Details, parse_details, parse_ns, split_account

__all__ = ["looks_like_mt940", "parse_mt940"]

_TAGS = {"20", "21", "25", "25P", "28", "28C", "60F", "60M", "61", "62F", "62M", "64", "65",
         "86", "NS", "13", "13D", "34F", "90C", "90D"}  # fmt: skip
_MT942_TAGS = {"13", "13D", "34F", "90C", "90D"}
_TAG_LINE = re.compile(r"^\s*:(\d{2}[A-Z]?|NS):(.*)$")
_TERMINATOR = re.compile(r"^-(\}.*)?$")
_SHORT_TERMINATOR = re.compile(r"^-[A-Z0-9]{1,4}$")
_BALANCE = re.compile(r"^([CD])(\d{6})([A-Z]{3})?(\d[\d,]*)$")
_LINE = re.compile(
    r"^(?P<vdate>\d{6})(?P<edate>\d{4}|\s{4})?\s*(?P<mark>R?[CD])(?P<funds>[A-Z])?"
    r"(?P<amount>\d[\d,]*)(?P<type>[NSF][A-Z0-9 ]{3})?(?P<rest>.*)$"
)
# What banks write in the :61: reference field when there is none, or when it is in :86:.
_NO_REFERENCE = {"", "NONREF", "EREF", "MARF", "PREF", "KREF"}
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_DETECT_20 = re.compile(r"(?m)^\s*:20:")
_DETECT_OTHER = re.compile(r"(?m)^\s*:(25|28C?|60[FM]|61|62[FM]|34F|13D?):")
_HEADER_942 = re.compile(r"\{2:[IO]942")


def looks_like_mt940(text: str) -> bool:
    """Whether the text is a SWIFT MT940 or MT942 message (``:20:`` plus another field tag)."""
    return bool(_DETECT_20.search(text) and _DETECT_OTHER.search(text))


@dataclass
class _Field:
    tag: str
    lines: list[str]
    line_no: int
    orphan: bool = False  # after the end of a message and before the next :20:

    @property
    def text(self) -> str:
        return "".join(s.strip() for s in self.lines)


def _split_fields(text: str) -> tuple[list[_Field], bool]:
    """The tagged fields of the file in order, and whether a ``{2:…942`` header was seen."""
    lines = [line.rstrip("\r").strip("\x01\x03") for line in text.split("\n")]
    fields: list[_Field] = []
    current: _Field | None = None
    ended = False
    saw_942 = False
    for index, line in enumerate(lines):
        match = _TAG_LINE.match(line)
        if match and match.group(1) in _TAGS:
            current = _Field(match.group(1), [match.group(2)], index + 1)
            current.orphan = ended and current.tag != "20"
            if current.tag == "20":
                ended = False
            fields.append(current)
            continue
        stripped = line.strip()
        if stripped.startswith("{"):
            saw_942 = saw_942 or bool(_HEADER_942.search(stripped))
            current, ended = None, current is not None or ended
            continue
        if _TERMINATOR.match(stripped) or (
            _SHORT_TERMINATOR.match(stripped) and _next_is_boundary(lines, index)
        ):
            current, ended = None, True
            continue
        if current is not None:
            current.lines.append(line)
    return fields, saw_942


def _next_is_boundary(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line.strip():
            return line.lstrip().startswith((":", "{"))
    return True


def _year(yy: str) -> int:
    value = int(yy)
    return 2000 + value if value < 80 else 1900 + value


def _date(text: str) -> date | None:
    try:
        return date(_year(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


def _amount(text: str, where: str) -> Decimal:
    if text.count(",") > 1:
        raise BankFileError(f"{where}: {text!r} is not an MT940 amount; export the file again")
    try:
        return Decimal(text.replace(",", ".") or "0")
    except InvalidOperation:
        raise BankFileError(
            f"{where}: {text!r} is not an MT940 amount; export the file again"
        ) from None


@dataclass
class _Balance:
    money: Money | None
    day: date
    tag: str


def _balance(fld: _Field, currency: str | None, notes: list[str]) -> tuple[_Balance, str]:
    where = f"line {fld.line_no}"
    value = re.sub(r"\s+", "", fld.text)
    match = _BALANCE.match(value)
    if match is None:
        raise BankFileError(
            f"{where}: the balance :{fld.tag}:{value} is not readable; export the file again"
        )
    mark, yymmdd, ccy, amount_text = match.groups()
    day = _date(yymmdd)
    if day is None:
        raise BankFileError(f"{where}: the balance date {yymmdd} (YYMMDD) does not exist")
    if ccy is None:
        if currency is None:
            raise BankFileError(f"{where}: the balance :{fld.tag}: has no currency")
        notes.append(f"{where}: the balance :{fld.tag}: has no currency; {currency} was assumed")
        ccy = currency
    amount = _amount(amount_text, where)
    money = make_money(-amount if mark == "D" else amount, ccy, where)
    return _Balance(money, day, fld.tag), ccy


def _statement_currency(fields: list[_Field]) -> str | None:
    for fld in fields:
        if fld.tag in ("60F", "60M", "62F", "62M", "64"):
            match = _BALANCE.match(re.sub(r"\s+", "", fld.text))
            if match and match.group(3):
                return match.group(3)
    return None


def _booking(match: re.Match[str], where: str, notes: list[str]) -> tuple[date, date | None]:
    vtext = match["vdate"]
    value = _date(vtext)
    etext = (match["edate"] or "").strip()
    entry = None
    if etext:
        year = _year(vtext[:2])
        diff = int(etext[:2]) - int(vtext[2:4])
        year += -1 if diff > 6 else (1 if diff < -6 else 0)
        try:
            entry = date(year, int(etext[:2]), int(etext[2:]))
        except ValueError:
            entry = None
    if value is None:
        if entry is None:
            raise BankFileError(
                f"{where}: the value date {vtext} (YYMMDD) does not exist and there is no valid "
                "entry date; the file is damaged, export it again"
            )
        notes.append(
            f"the value date {vtext} (YYMMDD) does not exist; the entry date "
            f"{entry.isoformat()} is used"
        )
        return entry, None
    return entry or value, value


def _line(fld: _Field, details: list[_Field], currency: str) -> BankLine:
    where = f"line {fld.line_no}"
    first = fld.lines[0].strip()
    match = _LINE.match(first)
    if match is None:
        raise BankFileError(
            f"{where}: the transaction :61:{first} is not readable; export the file again"
        )
    notes: list[str] = []
    booking, value = _booking(match, where, notes)
    amount = _amount(match["amount"], where)
    if match["mark"] in ("D", "RC"):
        amount = -amount
    rest = match["rest"] or ""
    customer, _, bank_ref = rest.partition("//")
    name = None
    parts = re.split(r"\s{4,}", customer.strip(), maxsplit=1)
    if len(parts) == 2:
        customer, name = parts
    customer = customer.strip()
    supplementary = clean_text(" ".join(fld.lines[1:]))
    info = Details()
    for extra in details:
        more = parse_ns(extra.lines) if extra.tag == "NS" else parse_details(extra.lines)
        info = info.merge(more)
    account = info.account
    if account is None and supplementary and _IBAN.match(supplementary.replace(" ", "")):
        account, supplementary = supplementary.replace(" ", ""), None
    memo = " ".join(p for p in (supplementary, info.memo) if p)
    code = (match["type"] or "").strip() or None
    if info.code:
        code = f"{code}/{info.code}" if code else info.code
    if match["mark"].startswith("R"):
        notes.append("reversal (storno) of an earlier line")
    return BankLine(
        booking_date=booking,
        value_date=value,
        amount=make_money(amount, currency, where),
        counterparty_name=info.name or clean_text(name),
        counterparty_account=account,
        reference=info.reference or (None if customer.upper() in _NO_REFERENCE else customer),
        end_to_end_id=info.end_to_end_id,
        bank_reference=clean_text(bank_ref) if bank_ref.strip().upper() != "NONREF" else None,
        memo=memo,
        transaction_code=code,
        position=where,
        notes=tuple(notes),
    )


def _build(fields: list[_Field], detail: str) -> tuple[BankStatement, bool, bool]:
    """The statement of one message, whether it opens with ``:60M:`` and ends with ``:62M:``."""
    notes: list[str] = []
    currency = _statement_currency(fields)
    if currency is None:
        raise BankFileError(
            f"line {fields[0].line_no}: the statement has no balance with a currency (:60F:); "
            "export the file again"
        )
    account = bank = statement_id = None
    opening: _Balance | None = None
    closing: _Balance | None = None
    available: Money | None = None
    lines: list[BankLine] = []
    index = 0
    while index < len(fields):
        fld = fields[index]
        index += 1
        if fld.tag == "25":
            account, bank = split_account(" ".join(s.strip() for s in fld.lines), currency)
        elif fld.tag in ("28C", "28"):
            statement_id = fld.text or None
        elif fld.tag in ("60F", "60M"):
            opening, currency = _balance(fld, currency, notes)
        elif fld.tag in ("62F", "62M"):
            closing, currency = _balance(fld, currency, notes)
        elif fld.tag == "64":
            available = _balance(fld, currency, notes)[0].money
        elif fld.tag == "61":
            details = []
            while index < len(fields) and fields[index].tag in ("86", "NS"):
                details.append(fields[index])
                index += 1
            if fld.orphan:
                notes.append(
                    f"line {fld.line_no}: a transaction after the end of the statement (after "
                    "'-'); it was kept in this statement"
                )
            lines.append(_line(fld, details, currency))
        elif fld.tag == "86":
            text = clean_text(" ".join(fld.lines))
            if text:
                notes.append(f"statement information from the bank: {text}")
    if opening is None:
        notes.append("the statement has no opening balance (:60F:)")
    if closing is None:
        notes.append("the statement has no closing balance (:62F:)")
    note = currency_note(currency)
    if note:
        notes.append(note)
    days = [line.booking_date for line in lines]
    stmt = BankStatement(
        format="mt940",
        format_detail=detail,
        account=account,
        currency=currency,
        bank=bank,
        statement_id=statement_id or clean_text(fields[0].text),
        period_start=opening.day if opening else (min(days) if days else None),
        period_end=closing.day if closing else (max(days) if days else None),
        opening_balance=opening.money if opening else None,
        closing_balance=closing.money if closing else None,
        closing_available=available,
        lines=tuple(lines),
        notes=tuple(notes),
    )
    return (
        stmt,
        opening is not None and opening.tag == "60M",
        closing is not None and closing.tag == "62M",
    )


def _join_pages(pages: list[tuple[BankStatement, bool, bool]]) -> list[BankStatement]:
    """Join a page ending in ``:62M:`` with the next page of the account opening with ``:60M:``."""
    result: list[BankStatement] = []
    open_end = False
    for stmt, continues, ends_open in pages:
        prev = result[-1] if result else None
        if (
            prev is not None
            and open_end
            and continues
            and prev.account == stmt.account
            and prev.currency == stmt.currency
        ):
            notes = [*prev.notes, f"the statement continues on page {stmt.statement_id}; joined"]
            if prev.closing_balance != stmt.opening_balance:
                notes.append(
                    "the intermediate balances of the pages differ "
                    f"({money_text(prev.closing_balance)} vs {money_text(stmt.opening_balance)})"
                )
            notes += [n for n in stmt.notes if n not in notes]
            result[-1] = replace(
                prev,
                closing_balance=stmt.closing_balance,
                closing_available=stmt.closing_available,
                period_end=stmt.period_end,
                lines=prev.lines + stmt.lines,
                notes=tuple(notes),
            )
        else:
            result.append(stmt)
        open_end = ends_open
    return result


def parse_mt940(text: str) -> list[BankStatement]:
    """Parse the statements of an MT940 file.

    Args:
        text: the decoded file.

    Returns:
        One statement per ``:20:`` message, pages of one statement joined.

    Raises:
        BankFileError: for an MT942 interim report, a file without statements, or an
            unreadable balance, transaction or date.
    """
    fields, saw_942 = _split_fields(text)
    tags = {f.tag for f in fields}
    if saw_942 or (tags & _MT942_TAGS and not tags & {"60F", "60M", "62F", "62M"}):
        raise BankFileError(
            "this is an MT942 interim (intraday) transaction report, not an account statement "
            "(MT940); it has no opening or closing balance, export the MT940 end-of-day statement"
        )
    drafts: list[list[_Field]] = []
    for fld in fields:
        if fld.tag == "20":
            drafts.append([])
        if drafts:
            drafts[-1].append(fld)
    if not drafts:
        raise BankFileError("the file contains no MT940 statement (no :20: field)")
    return _join_pages([_build(d, "MT940") for d in drafts])
