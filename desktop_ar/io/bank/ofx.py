"""OFX 1.x (SGML), OFX 2.x (XML) and QFX bank and credit-card statements.

Written here instead of using ``ofxparse``: that library decodes with the declared charset and
fails on Chase's UTF-8 QFX that claims Windows-1252, crashes on empty tags, and parses XML
without defusedxml. This module:

* decodes with :func:`~desktop_ar.io.bank.text.decode_bank_text` (strict UTF-8 first, then the
  declared charset), so a wrong ``CHARSET:1252`` header does not garble the text;
* reads OFX 2 XML through ``defusedxml`` (no DTDs, no entities), and SGML — unclosed leaf tags,
  a whole file on one line, raw ``&`` in memos, empty tags — with a small tokenizer that never
  expands anything but the five XML entities and numeric references;
* returns one statement per ``STMTRS`` / ``CCSTMTRS`` (several accounts in one file), and
  refuses investment statements, server error responses and transactions without a date or
  amount with a sentence saying so.

OFX gives only a closing (ledger) balance; ``opening_balance`` is ``None`` and a note says so.
Dates keep the bank's local calendar day (the first eight digits of ``DTPOSTED``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from desktop_ar.io.bank.model import (
    BankFileError,
    BankLine,
    BankStatement,
    clean_text,
    currency_note,
    make_money,
    normalize_currency,
)
from desktop_ar.io.bank.text import decode_bank_text

__all__ = ["looks_like_ofx", "parse_ofx"]

_AGGREGATES = {
    "OFX", "SIGNONMSGSRSV1", "SONRS", "STATUS", "FI", "BANKMSGSRSV1", "STMTTRNRS", "STMTRS",
    "BANKACCTFROM", "BANKACCTTO", "CCACCTFROM", "CCACCTTO", "BANKTRANLIST", "STMTTRN",
    "LEDGERBAL", "AVAILBAL", "CREDITCARDMSGSRSV1", "CCSTMTTRNRS", "CCSTMTRS", "PAYEE",
    "CURRENCY", "ORIGCURRENCY", "BALLIST", "BAL", "INVSTMTMSGSRSV1", "INVSTMTTRNRS",
    "INVSTMTRS",
}  # fmt: skip
_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9_.\-]*)\s*(/?)>")
_CLOSE = re.compile(r"</([A-Za-z][A-Za-z0-9_.\-]*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def looks_like_ofx(head: str) -> bool:
    """Whether the start of a text file is OFX (an ``OFXHEADER`` or an ``<OFX>`` element)."""
    start = head.lstrip("\ufeff \t\r\n")[:4096].upper()
    return start.startswith("OFXHEADER") or "<OFX>" in start or "<?OFX" in start


@dataclass
class _Node:
    name: str
    text: str | None = None
    children: list[_Node] = field(default_factory=list)

    def child(self, path: str) -> _Node | None:
        node: _Node | None = self
        for part in path.split("/"):
            node = next((c for c in node.children if c.name == part), None) if node else None
        return node

    def value(self, path: str) -> str | None:
        node = self.child(path)
        if node is None or node.text is None:
            return None
        return node.text.strip() or None

    def walk(self, name: str) -> Iterator[_Node]:
        for node in self.children:
            if node.name == name:
                yield node
            yield from node.walk(name)


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key.startswith("#x"):
            return chr(int(key[2:], 16))
        if key.startswith("#"):
            return chr(int(key[1:]))
        return _ENTITIES[key]

    return _ENTITY.sub(one, text)


def _sgml(body: str) -> _Node:
    """Build the tree of an SGML (or not well-formed XML) OFX body."""
    body = re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL)
    closed = {name.upper() for name in _CLOSE.findall(body)}
    root = _Node("#root")
    stack = [root]
    pos = 0
    for match in _TOKEN.finditer(body):
        text = body[pos : match.start()]
        pos = match.end()
        top = stack[-1]
        if text.strip() and top is not root and not top.children:
            top.text = (top.text or "") + _unescape(text)
        closing, name, self_closing = match.group(1), match.group(2).upper(), match.group(3)
        if closing:
            if any(n.name == name for n in stack[1:]):
                while stack.pop().name != name:
                    pass
            continue
        leaf = top is not root and not top.children and top.name not in _AGGREGATES
        if leaf and (top.text is not None or top.name not in closed):
            stack.pop()  # an SGML leaf without its end tag
        node = _Node(name)
        stack[-1].children.append(node)
        if not self_closing:
            stack.append(node)
    return root


def _from_xml(element: Element) -> _Node:
    node = _Node(element.tag.split("}")[-1].upper(), element.text)
    node.children = [_from_xml(child) for child in element]
    if node.children:
        node.text = None
    return node


def _header(text: str) -> tuple[str | None, str]:
    """(declared charset, version) from an OFX 1 header or an OFX 2 processing instruction."""
    head = text[:2000]
    version = ""
    if m := re.search(r"VERSION\s*[:=]\s*\"?(\d)(\d+)", head):
        version = f" {m.group(1)}.{m.group(2)}"
    charset = None
    if m := re.search(r"encoding=[\"']([^\"']+)", head):
        charset = m.group(1)
    elif m := re.search(r"ENCODING:\s*(\S+)", head):
        charset = m.group(1) if m.group(1).upper() in ("UTF-8", "UNICODE") else None
        if charset is None and (c := re.search(r"CHARSET:\s*(\S+)", head)):
            charset = c.group(1)
    return charset, version


def _tree(raw: bytes) -> tuple[_Node, str, list[str]]:
    if _DTD.search(raw[:65536]):
        raise BankFileError(
            "the OFX file contains a DTD (<!DOCTYPE> or <!ENTITY>), which banks never send; it "
            "is unsafe and was not read"
        )
    charset, version = _header(raw[:2000].decode("latin-1"))
    text, _, notes = decode_bank_text(raw, declared=charset)
    match = re.search(r"<OFX\s*>", text, re.IGNORECASE)
    if match is None:
        raise BankFileError("the file has no <OFX> element; it is not an OFX statement")
    start = match.start()
    body = text[start:]
    if "<?xml" in text[:start].lower():
        detail = f"OFX{version} (XML)"
        try:
            return _from_xml(SafeET.fromstring(body)), detail, notes
        except DefusedXmlException:
            raise BankFileError("the OFX file contains XML entities; it is unsafe") from None
        except ParseError:
            notes.append("the OFX XML is not well-formed; it was read leniently")
    else:
        detail = f"OFX{version} (SGML)"
    root = _sgml(body)
    return root.children[0] if root.children else root, detail, notes


def _date(text: str | None, what: str, where: str) -> date:
    value = (text or "").strip()
    if not value:
        raise BankFileError(
            f"{where} has no {what}; the file is incomplete, download it again from the bank"
        )
    match = re.match(r"(\d{4})(\d{2})(\d{2})", value)
    try:
        if match is None:
            raise ValueError(value)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise BankFileError(
            f"{where}: the {what} {value!r} is not a date (YYYYMMDD); download the file again"
        ) from None


def _optional_date(text: str | None) -> date | None:
    try:
        return _date(text, "date", "") if text else None
    except BankFileError:
        return None


def _decimal(text: str | None, what: str, where: str) -> Decimal:
    value = (text or "").strip()
    if not value:
        raise BankFileError(f"{where} has no {what}; the file is incomplete, download it again")
    if re.fullmatch(r"[+-]?\d+,\d+", value):
        value = value.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        raise BankFileError(f"{where}: the {what} {value!r} is not a number; download it again")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise BankFileError(f"{where}: the {what} {value!r} is not a number") from None


def _currency(stmt: _Node, transactions: list[_Node], notes: list[str], where: str) -> str:
    currency = normalize_currency(stmt.value("CURDEF"))
    if currency:
        return currency
    symbols = {
        normalize_currency(t.value("CURRENCY/CURSYM") or t.value("ORIGCURRENCY/CURSYM"))
        for t in transactions
    }
    if len(symbols) == 1 and (found := symbols.pop()):
        notes.append(f"the statement names no currency (CURDEF); {found} from its lines is used")
        return found
    raise BankFileError(
        f"{where} does not say its currency (CURDEF is missing or unknown: "
        f"{stmt.value('CURDEF')!r}); download the statement again"
    )


def _line(trn: _Node, number: int, currency: str) -> BankLine:
    fitid = trn.value("FITID")
    where = f"transaction {number}" + (f" (FITID {fitid})" if fitid else "")
    amount = _decimal(trn.value("TRNAMT"), "amount (TRNAMT)", where)
    name = clean_text(trn.value("NAME") or trn.value("PAYEE/NAME"))
    memo = clean_text(trn.value("MEMO"))
    return BankLine(
        booking_date=_date(trn.value("DTPOSTED"), "posting date (DTPOSTED)", where),
        value_date=_optional_date(trn.value("VALUEDATE") or trn.value("DTAVAIL")),
        amount=make_money(amount, currency, where),
        counterparty_name=name,
        counterparty_account=clean_text(
            trn.value("BANKACCTTO/ACCTID") or trn.value("CCACCTTO/ACCTID")
        ),
        reference=clean_text(trn.value("REFNUM") or trn.value("CHECKNUM")),
        bank_reference=clean_text(fitid),
        memo=" ".join(p for p in (name, memo) if p),
        transaction_code=clean_text(trn.value("TRNTYPE")),
        position=where,
    )


def _statement(stmt: _Node, number: int, detail: str, base: list[str]) -> BankStatement:
    where = f"statement {number}"
    notes = list(base)
    tranlist = stmt.child("BANKTRANLIST")
    transactions = list(tranlist.walk("STMTTRN")) if tranlist else []
    currency = _currency(stmt, transactions, notes, where)
    acct = stmt.child("BANKACCTFROM") or stmt.child("CCACCTFROM")
    account = clean_text(acct.value("ACCTID")) if acct else None
    if account is None:
        notes.append("the file does not name the account (ACCTID)")
    closing = None
    ledger = stmt.child("LEDGERBAL")
    if ledger is not None and ledger.value("BALAMT") is not None:
        closing = make_money(_decimal(ledger.value("BALAMT"), "balance", where), currency, where)
    else:
        notes.append("the ledger balance (LEDGERBAL) is missing or empty; no closing balance")
    available = None
    avail = stmt.child("AVAILBAL")
    if avail is not None and avail.value("BALAMT") is not None:
        available = make_money(_decimal(avail.value("BALAMT"), "balance", where), currency, where)
    notes.append("OFX gives no opening balance; only the closing (ledger) balance is checked")
    if note := currency_note(currency):
        notes.append(note)
    lines = tuple(_line(t, i, currency) for i, t in enumerate(transactions, start=1))
    start = _optional_date(tranlist.value("DTSTART")) if tranlist else None
    end = _optional_date(tranlist.value("DTEND")) if tranlist else None
    if end is None and ledger is not None:
        end = _optional_date(ledger.value("DTASOF"))
    return BankStatement(
        format="ofx",
        format_detail=detail,
        account=account,
        currency=currency,
        bank=clean_text(acct.value("BANKID")) if acct else None,
        statement_id=None,
        period_start=start,
        period_end=end,
        opening_balance=None,
        closing_balance=closing,
        closing_available=available,
        lines=lines,
        notes=tuple(notes),
    )


def parse_ofx(raw: bytes) -> list[BankStatement]:
    """Parse the bank and credit-card statements of an OFX or QFX file.

    Args:
        raw: the file's bytes.

    Returns:
        One statement per ``STMTRS`` / ``CCSTMTRS``.

    Raises:
        BankFileError: for an investment statement, a server error response, a file without
            statements, or a transaction without a date or amount.
    """
    root, detail, notes = _tree(raw)
    if root.child("SIGNONMSGSRSV1/SONRS/INTU.BID") is not None:
        detail = detail.replace("OFX", "QFX (Quicken OFX)")
    statements = [*root.walk("STMTRS"), *root.walk("CCSTMTRS")]
    if not statements:
        if next(root.walk("INVSTMTRS"), None) is not None:
            raise BankFileError(
                "this is an investment (brokerage) statement (INVSTMTRS), not a bank or credit "
                "card statement; download the bank account's statement"
            )
        for status in root.walk("STATUS"):
            if (status.value("SEVERITY") or "").upper() == "ERROR":
                raise BankFileError(
                    "the bank's server answered with an error instead of a statement "
                    f"({status.value('CODE')} {status.value('MESSAGE') or ''}".rstrip()
                    + "); download the statement again later"
                )
        raise BankFileError("the OFX file contains no bank or credit-card statement (STMTRS)")
    return [_statement(s, i, detail, notes) for i, s in enumerate(statements, start=1)]
