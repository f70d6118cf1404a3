"""The statement model: balance checks, exact amounts, currency names, format detection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.bank import (
    BankFileError,
    BankLine,
    BankStatement,
    check_balances,
    detect_bank_format,
    parse_bank_file,
)
from desktop_ar.io.bank.columns import BankMapping, direction_of
from desktop_ar.io.bank.layout import balance_relation
from desktop_ar.io.bank.model import clean_text, make_money, normalize_currency
from desktop_ar.io.bank.text import decode_bank_text


def _statement(opening: int | None, closing: int | None, *amounts: int) -> BankStatement:
    lines = tuple(BankLine(date(2025, 1, 2), None, Money(a, "CNY")) for a in amounts)
    return BankStatement(
        "csv",
        "CSV",
        "6222",
        "CNY",
        opening_balance=None if opening is None else Money(opening, "CNY"),
        closing_balance=None if closing is None else Money(closing, "CNY"),
        lines=lines,
    )


def test_check_balances() -> None:
    assert check_balances(_statement(10000, 12000, 3000, -1000)) == []
    (problem,) = check_balances(_statement(10000, 12500, 3000, -1000))
    assert problem == (
        "the lines do not add up: opening balance 100.00 + 2 lines (20.00) = 120.00, but the "
        "closing balance is 125.00 CNY (off by 5.00)"
    )
    assert check_balances(_statement(None, 12000, 3000)) == []  # nothing to compare
    assert _statement(0, 0, 3000, -1000).total == Money(2000, "CNY")


def test_make_money_is_exact_and_refuses_extra_digits() -> None:
    assert make_money(Decimal("18.150"), "EUR") == Money(1815, "EUR")
    assert make_money(Decimal("5442.09000"), "RON") == Money(544209, "RON")
    assert make_money(Decimal("2700"), "JPY") == Money(2700, "JPY")
    with pytest.raises(BankFileError, match=r"entry 3: the amount 18\.155 EUR"):
        make_money(Decimal("18.155"), "EUR", "entry 3")
    with pytest.raises(BankFileError, match="unknown"):
        make_money(Decimal(1), "ZZZ")


@pytest.mark.parametrize(
    ("text", "code"),
    [("人民币", "CNY"), (" RMB ", "CNY"), ("RUR", "RUB"), ("港币", "HKD"), ("eur", "EUR"),
     ("XXX", None), ("", None), (None, None)],
)  # fmt: skip
def test_normalize_currency(text: str | None, code: str | None) -> None:
    assert normalize_currency(text) == code


def test_clean_text_and_direction_words() -> None:
    assert clean_text("10\u00ad06\u00ad2010\tTMG  TANGO\x02") == "10-06-2010 TMG TANGO"
    assert clean_text(" \t ") is None
    assert [direction_of(v) for v in ("收入", "贷 Cr", "Bij", "C", "支出", "借 Dr", "Af", "D")] == [
        1, 1, 1, 1, -1, -1, -1, -1
    ]  # fmt: skip
    assert direction_of("不计收支") == 0 and direction_of("/") == 0 and direction_of("?") is None


def test_balance_relation_finds_direction() -> None:
    amounts = [Decimal(100), Decimal(-30), Decimal(5)]
    after = [Decimal(100), Decimal(70), Decimal(75)]
    assert balance_relation(amounts, after)[0] == "after_asc"
    assert balance_relation(amounts[::-1], after[::-1])[0] == "after_desc"
    before = [Decimal(0), Decimal(100), Decimal(70)]
    assert balance_relation(amounts, before)[0] == "before_asc"
    assert balance_relation(amounts, [Decimal(1), Decimal(2), Decimal(3)])[0] is None


def test_mapping_round_trip_and_validation() -> None:
    mapping = BankMapping.from_dict({"date": 0, "amount": 2, "memo": [3, 5]})
    assert mapping.to_dict() == {"date": 0, "amount": 2, "memo": [3, 5]}
    assert mapping.source == "explicit"
    for bad in ({"nope": 1}, {"date": -1}, {"date": 1, "amount": 1}, {"amount": [1, 2]}):
        with pytest.raises(ValueError):
            BankMapping.from_dict(bad)  # type: ignore[arg-type]


def test_decoding_distrusts_the_declared_charset() -> None:
    text, encoding, notes = decode_bank_text("CRÉDITO".encode(), declared="1252")
    assert (text, encoding) == ("CRÉDITO", "utf-8")
    assert notes == ["the file says its charset is 1252 but it is utf-8; it was read as utf-8"]
    text, encoding, _ = decode_bank_text("CRÉDITO".encode("cp1252"), declared="1252")
    assert (text, encoding) == ("CRÉDITO", "cp1252")
    text, _, notes = decode_bank_text("Tranzakci\ufffds".encode())
    assert "replacement character" in notes[0]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"OFXHEADER:100\nDATA:OFXSGML", "ofx"),
        (b"\n\n<OFX><SIGNONMSGSRSV1>", "ofx"),
        (b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
         "camt053"),
        (b"{1:F01X}{2:O940X}{4:\n:20:X\n:25:1\n:60F:C200101EUR1,", "mt940"),
        (b"\xef\xbb\xbf\xe4\xba\xa4\xe6\x98\x93\xe6\x97\xa5\xe6\x9c\x9f,\xe9\x87\x91\xe9\xa2\x9d",
         "csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "xlsx"),
        (b"PK\x03\x04rest", "xlsx"),
    ],
)  # fmt: skip
def test_detect_bank_format(head: bytes, kind: str) -> None:
    assert detect_bank_format(head) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"%PDF-1.7 ...", "this is a PDF file"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "web page (HTML)"),
    ],
)
def test_files_that_are_not_statements(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "statement.xls"
    path.write_bytes(data)
    with pytest.raises(UserFacingError) as info:
        parse_bank_file(path)
    assert info.value.code == "invalid" and info.value.params["field"] == "statement.xls"
    assert message in info.value.message


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError) as info:
        parse_bank_file(tmp_path / "nope.sta")
    assert info.value.code == "file_missing"
    (tmp_path / "a.csv").write_text("x")
    with pytest.raises(UserFacingError, match="unknown format 'pdf'"):
        parse_bank_file(tmp_path / "a.csv", "pdf")
