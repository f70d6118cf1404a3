"""ISO 20022 camt.053 bank-to-customer statements (versions 02–08, later ones read alike).

XML goes through ``defusedxml`` with DTDs forbidden. Namespaces differ per version; element
names are compared without them, and the version is taken from the namespace. camt.052
(intraday account report) and camt.054 (debit/credit notification) are recognised and refused:
they are not statements and have no booked opening and closing balance.

Decisions:

* balances: opening = ``OPBD`` (else ``PRCD``, the previous closing), closing = ``CLBD``,
  available = ``CLAV``; a balance in another currency than the account is left out with a note;
* dates: ``<Dt>`` or ``<DtTm>`` (also a ``<DtTm>`` inside a balance's ``<Dt>``, and dates with a
  zone such as ``2017-04-01+02:00``): the calendar day as written;
* one line per booked entry (``Ntry``); an entry that books a batch of several ``TxDtls`` is
  split into one line per transaction when each has an amount and they add up to the entry,
  otherwise it stays one line whose memo holds every transaction's text; pending (``PDNG``) and
  information (``INFO``) entries are left out with a note (they are not in the balance);
* amounts with more decimals than the currency: exact trailing zeros (``5442.09000``) are fine,
  real extra digits are refused rather than rounded (see :func:`make_money`);
* currency ``XXX`` ("no currency") is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from desktop_ar.domain.money import Money
from desktop_ar.io.bank.model import (
    BankFileError,
    BankLine,
    BankStatement,
    clean_text,
    currency_note,
    make_money,
    normalize_currency,
)

__all__ = ["camt_kind", "parse_camt"]

_NAMESPACE = re.compile(r"camt\.(\d{3})\.001\.(\d{2})")
_OTHER_ISO = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})")
_SUPPORTED = range(1, 14)
_TESTED = range(2, 9)
_NOT_PROVIDED = {"NOTPROVIDED", "NONREF", "NOT PROVIDED"}


def camt_kind(root_tag: str) -> tuple[str, int] | None:
    """``("053", 8)`` for the root tag ``{urn:…camt.053.001.08}Document``, else ``None``."""
    match = _NAMESPACE.search(root_tag)
    return (match.group(1), int(match.group(2))) if match else None


def _local(element: Element) -> None:
    for node in element.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.split("}", 1)[1]


def _text(element: Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _first(element: Element | None, *paths: str) -> str | None:
    for path in paths:
        if (value := _text(element, path)) is not None:
            return value
    return None


def _day(element: Element | None) -> date | None:
    """The day of a date choice: ``<Dt>``, ``<DtTm>``, or a ``<DtTm>`` nested in ``<Dt>``."""
    value = _first(element, "Dt/DtTm", "DtTm", "Dt")
    if value is None:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match is None:
        raise BankFileError(f"{value!r} is not an ISO date; the file is damaged")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise BankFileError(f"the date {value!r} does not exist; the file is damaged") from None


def _amount(element: Element | None, where: str) -> tuple[Decimal, str] | None:
    if element is None:
        return None
    amt = element.find("Amt")
    if amt is None or not (amt.text or "").strip():
        return None
    currency = (amt.get("Ccy") or "").strip().upper()
    if currency == "XXX":
        raise BankFileError(
            f"{where}: the amounts are in XXX, which means 'no currency'; ask the bank for a "
            "statement in the account's currency"
        )
    try:
        value = Decimal((amt.text or "").strip())
    except InvalidOperation:
        raise BankFileError(f"{where}: {amt.text!r} is not an amount") from None
    return value, normalize_currency(currency) or currency


def _signed(value: Decimal, indicator: str | None) -> Decimal:
    return -value if (indicator or "").upper() == "DBIT" else value


@dataclass
class _Balances:
    opening: Money | None = None
    closing: Money | None = None
    available: Money | None = None
    start: date | None = None
    end: date | None = None


def _balances(stmt: Element, currency: str, notes: list[str]) -> _Balances:
    found: dict[str, tuple[Money, date | None]] = {}
    for bal in stmt.findall("Bal"):
        code = _first(bal, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or "?"
        amount = _amount(bal, f"balance {code}")
        if amount is None or code in found:
            continue
        value, ccy = amount
        if ccy != currency:
            if code in ("OPBD", "PRCD", "CLBD", "CLAV"):
                notes.append(f"the {code} balance is in {ccy}, not {currency}; it was left out")
            continue
        found[code] = (
            make_money(_signed(value, _text(bal, "CdtDbtInd")), currency, f"balance {code}"),
            _day(bal.find("Dt")),
        )
    result = _Balances()
    opening = found.get("OPBD") or found.get("PRCD")
    if opening:
        result.opening, result.start = opening
    if "CLBD" in found:
        result.closing, result.end = found["CLBD"]
    if "CLAV" in found:
        result.available = found["CLAV"][0]
    return result


def _party(tx: Element | None, credit: bool) -> tuple[str | None, str | None, str | None]:
    side, other = ("Dbtr", "UltmtDbtr") if credit else ("Cdtr", "UltmtCdtr")
    parties = tx.find("RltdPties") if tx is not None else None
    name = _first(parties, f"{side}/Nm", f"{side}/Pty/Nm")
    account = _first(parties, f"{side}Acct/Id/IBAN", f"{side}Acct/Id/Othr/Id")
    ultimate = _first(parties, f"{other}/Nm", f"{other}/Pty/Nm")
    return clean_text(name), clean_text(account), clean_text(ultimate)


def _memo_parts(tx: Element | None) -> list[str]:
    if tx is None:
        return []
    parts = [u.text or "" for u in tx.findall("RmtInf/Ustrd")]
    for strd in tx.findall("RmtInf/Strd"):
        parts += [n.text or "" for n in strd.findall("RfrdDocInf/Nb")]
        parts += [a.text or "" for a in strd.findall("AddtlRmtInf")]
    parts.append(_text(tx, "AddtlTxInf") or "")
    return [p for p in (clean_text(p) for p in parts) if p]


def _code(element: Element | None) -> str | None:
    if element is None:
        return None
    domain = [
        _text(element, "BkTxCd/Domn/Cd"),
        _text(element, "BkTxCd/Domn/Fmly/Cd"),
        _text(element, "BkTxCd/Domn/Fmly/SubFmlyCd"),
    ]
    if domain[0]:
        return "/".join(p for p in domain if p)
    return _text(element, "BkTxCd/Prtry/Cd")


def _reference(value: str | None) -> str | None:
    value = clean_text(value)
    return None if value is None or value.upper() in _NOT_PROVIDED else value


def _line(
    entry: Element,
    tx: Element | None,
    amount: Decimal,
    currency: str,
    *,
    where: str,
    extra_memo: list[str],
) -> BankLine:
    credit = amount > 0 or (amount == 0 and _text(entry, "CdtDbtInd") == "CRDT")
    name, account, ultimate = _party(tx, credit)
    memo = _memo_parts(tx) + extra_memo
    if ultimate and ultimate != name:
        memo.append(f"ultimate {'debtor' if credit else 'creditor'}: {ultimate}")
    if (info := clean_text(_text(entry, "AddtlNtryInf"))) and info not in memo:
        memo.append(info)
    notes = []
    if (_text(entry, "RvslInd") or "").lower() == "true":
        notes.append("reversal of an earlier entry")
    booking = _day(entry.find("BookgDt"))
    value = _day(entry.find("ValDt"))
    if booking is None and value is None:
        raise BankFileError(f"{where} has no booking date; the file is damaged")
    return BankLine(
        booking_date=booking or value,  # type: ignore[arg-type]
        value_date=value,
        amount=make_money(amount, currency, where),
        counterparty_name=name,
        counterparty_account=account,
        reference=_reference(_text(tx, "RmtInf/Strd/CdtrRefInf/Ref")),
        end_to_end_id=_reference(_text(tx, "Refs/EndToEndId")),
        bank_reference=_reference(_text(tx, "Refs/AcctSvcrRef") or _text(entry, "AcctSvcrRef")),
        memo=" ".join(memo),
        transaction_code=_code(tx) or _code(entry),
        position=where,
        notes=tuple(notes),
    )


def _entry_lines(entry: Element, number: int, currency: str) -> list[BankLine]:
    where = f"entry {number}"
    amount = _amount(entry, where)
    if amount is None:
        raise BankFileError(f"{where} has no amount; the file is damaged")
    value, ccy = amount
    if ccy != currency:
        raise BankFileError(
            f"{where} is in {ccy}, but the statement is in {currency}; the file is damaged"
        )
    total = _signed(value, _text(entry, "CdtDbtInd"))
    txs = entry.findall("NtryDtls/TxDtls")
    if len(txs) <= 1:
        return [_line(entry, txs[0] if txs else None, total, currency, where=where, extra_memo=[])]
    parts: list[Decimal] = []
    for tx in txs:
        tx_amount = _amount(tx, where) or _amount(tx.find("AmtDtls/TxAmt"), where)
        if tx_amount is None or tx_amount[1] != currency:
            break
        indicator = _text(tx, "CdtDbtInd") or _text(entry, "CdtDbtInd")
        parts.append(_signed(tx_amount[0], indicator))
    if len(parts) == len(txs) and sum(parts, Decimal(0)) == total:
        return [
            _line(entry, tx, part, currency, where=f"{where}, transaction {i}", extra_memo=[])
            for i, (tx, part) in enumerate(zip(txs, parts, strict=True), start=1)
        ]
    memo = [m for tx in txs for m in _memo_parts(tx)]
    line = _line(entry, None, total, currency, where=where, extra_memo=memo)
    note = f"a batch of {len(txs)} transactions booked as one amount"
    return [replace(line, notes=(*line.notes, note))]


def _statement(stmt: Element, number: int, detail: str) -> BankStatement:
    notes: list[str] = []
    where = f"statement {number}"
    account = _first(stmt, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
    currency = normalize_currency(_text(stmt, "Acct/Ccy"))
    if currency is None:
        # Booked balances and entries are in the account's currency; other balances may not be.
        booked = [b for b in stmt.findall("Bal") if _text(b, "Tp/CdOrPrtry/Cd") in ("OPBD", "CLBD")]
        for element in (*booked, stmt.find("Ntry"), *stmt.findall("Bal")):
            amount = _amount(element, where)
            if amount is not None:
                currency = amount[1]
                break
    if currency is None:
        raise BankFileError(f"{where} names no currency and has no amounts; export it again")
    balances = _balances(stmt, currency, notes)
    lines: list[BankLine] = []
    for index, entry in enumerate(stmt.findall("Ntry"), start=1):
        status = (_first(entry, "Sts/Cd", "Sts") or "BOOK").upper()
        if status != "BOOK":
            notes.append(f"entry {index} is {status} (not booked) and was left out")
            continue
        lines.extend(_entry_lines(entry, index, currency))
    if balances.opening is None:
        notes.append("the statement has no opening balance (OPBD)")
    if balances.closing is None:
        notes.append("the statement has no closing balance (CLBD)")
    if note := currency_note(currency):
        notes.append(note)
    period = stmt.find("FrToDt")
    start = _day(_wrap(_first(period, "FrDtTm", "FrDt")))
    end = _day(_wrap(_first(period, "ToDtTm", "ToDt")))
    days = [line.booking_date for line in lines]
    return BankStatement(
        format="camt053",
        format_detail=detail,
        account=clean_text(account),
        currency=currency,
        bank=_first(stmt, "Acct/Svcr/FinInstnId/BIC", "Acct/Svcr/FinInstnId/BICFI"),
        account_name=clean_text(_first(stmt, "Acct/Nm", "Acct/Ownr/Nm")),
        statement_id=_text(stmt, "Id"),
        sequence=_first(stmt, "ElctrncSeqNb", "LglSeqNb"),
        period_start=start or balances.start or (min(days) if days else None),
        period_end=end or balances.end or (max(days) if days else None),
        opening_balance=balances.opening,
        closing_balance=balances.closing,
        closing_available=balances.available,
        lines=tuple(lines),
        notes=tuple(notes),
    )


def _wrap(value: str | None) -> Element | None:
    if value is None:
        return None
    element = Element("Dt")
    element.text = value
    return element


def parse_camt(raw: bytes) -> list[BankStatement]:
    """Parse a camt.053 file; refuse camt.052, camt.054 and other XML clearly.

    Args:
        raw: the file's bytes.

    Returns:
        One statement per ``<Stmt>``.

    Raises:
        BankFileError: for unsafe or broken XML, another ISO 20022 message, an unknown
            namespace, a file without ``<Stmt>``, or an unreadable amount or date.
    """
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException:
        raise BankFileError(
            "the XML file contains a DTD or entities, which banks never send; it is unsafe and "
            "was not read"
        ) from None
    except ParseError as exc:
        raise BankFileError(f"the XML is damaged ({exc}); export the statement again") from None
    kind = camt_kind(root.tag)
    if kind is None:
        other = _OTHER_ISO.search(root.tag)
        if other:
            raise BankFileError(
                f"this is an ISO 20022 {other.group(1)} message, not an account statement "
                "(camt.053); export the statement"
            )
        namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else "none"
        raise BankFileError(
            f"this XML file is not a CAMT bank statement (namespace {namespace}); export a "
            "camt.053 statement"
        )
    message, version = kind
    if message == "054":
        raise BankFileError(
            "this is a camt.054 debit/credit notification, not an account statement (camt.053); "
            "export the statement"
        )
    if message == "052":
        raise BankFileError(
            "this is a camt.052 intraday account report, not an account statement (camt.053); "
            "export the end-of-day statement (camt.053)"
        )
    if message != "053" or version not in _SUPPORTED:
        raise BankFileError(
            f"camt.{message}.001.{version:02d} is not supported; export a camt.053 statement"
        )
    _local(root)
    statements = root.findall("BkToCstmrStmt/Stmt")
    if not statements:
        raise BankFileError(
            "the camt.053 file contains no statement (<Stmt>); export the statement again"
        )
    detail = f"camt.053.001.{version:02d}"
    result = [_statement(s, i, detail) for i, s in enumerate(statements, start=1)]
    if version not in _TESTED:
        note = f"{detail} is newer than the versions tested (02–08); check the lines"
        result = [replace(s, notes=(*s.notes, note)) for s in result]
    return result
