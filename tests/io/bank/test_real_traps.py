"""The traps the data README lists, checked on the real files one by one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_ar.domain.money import Money
from desktop_ar.io.bank import check_balances, guess_bank_table, parse_bank_file

pytestmark = pytest.mark.shared_data


def _file(shared: Path, folder: str, name: str) -> Path:
    return shared / "bank_statements" / folder / name


def test_alipay_gb18030_preamble_neutral_and_closed_rows(shared_data: Path) -> None:
    path = _file(shared_data, "csv", "deb-sig-deg__alipay__alipay-records.csv")
    (statement,) = parse_bank_file(path)
    first = statement.lines[0]
    assert (first.transaction_code, first.memo, first.amount) == (
        "亲友代付",
        "亲情卡",
        Money(-4974, "CNY"),
    )
    assert statement.lines[2].amount == Money(22222850, "CNY")  # 222228.50 收入
    assert (statement.account, statement.account_name) == ("xx@gmail.com", "xx")
    assert statement.period_start == date(2023, 2, 10)
    notes = " | ".join(statement.notes)
    assert "read as text in the gb18030 encoding" in notes
    assert (
        "neither income nor expense (不计收支, 中性交易, / or empty flag) left out: 28, 29, 32"
        in (notes)
    )
    assert "rows of closed or failed payments left out: 31, 33" in notes


def test_wechat_xlsx_takes_the_first_sheet_with_a_bank_header(shared_data: Path) -> None:
    table = guess_bank_table(
        _file(shared_data, "xls_xlsx", "deb-sig-deg__wechat__wechat-records.xlsx")
    )
    assert (table.sheet, table.header_row) == ("example-wechat-records", 17)
    (statement,) = table.statements
    assert statement.lines[0].counterparty_name == "云膳过桥米线(传奇广场店)"
    assert statement.lines[0].amount == Money(-2816, "CNY")  # "¥28.16" with 支出


def test_declared_charset_wrong_in_chase_qfx(shared_data: Path) -> None:
    (statement,) = parse_bank_file(_file(shared_data, "ofx", "ofxparse__chase_cc.qfx"))
    assert statement.lines[0].counterparty_name == "SQ *ECCO UN POCO ¦ NATURA"
    assert statement.format_detail == "QFX (Quicken OFX) 1.02 (SGML)"
    assert any("charset is 1252 but it is utf-8" in n for n in statement.notes)


def test_soft_hyphens_in_ing_mt940(shared_data: Path) -> None:
    (statement,) = parse_bank_file(_file(shared_data, "mt940", "wolph-mt940__jejik__ing.sta"))
    assert "TRANSACTIENR 0050000534527978 10-06-2010 15:32" in statement.lines[2].memo
    assert "statement information from the bank: D000004C000002D25,24C28,71" in statement.notes


def test_mangled_hungarian_text_is_reported(shared_data: Path) -> None:
    path = _file(shared_data, "mt940", "wolph-mt940__sberbank__171011_01234945.sta")
    (statement,) = parse_bank_file(path)
    assert any("replacement character" in n for n in statement.notes)
    assert statement.lines[0].counterparty_name == "ERGO Versicherung AG Fioktelep"


def test_closing_date_before_opening_date_is_reported(shared_data: Path) -> None:
    statements = parse_bank_file(_file(shared_data, "mt940", "wolph-mt940__cmxl__mt940.sta"))
    assert check_balances(statements[2]) == [
        "the closing balance date 2002-03-25 is before the opening balance date 2003-10-02"
    ]


def test_genuine_duplicate_and_zero_rows_are_kept(shared_data: Path) -> None:
    (statement,) = parse_bank_file(_file(shared_data, "csv", "ofxstatement-dutch__ing_ok.csv"))
    amounts = [line.amount.minor for line in statement.lines]
    assert amounts == [-125, 125, 0, 2000, -31, -31]


def test_vtb_balance_block_and_pending_line(shared_data: Path) -> None:
    (statement,) = parse_bank_file(_file(shared_data, "csv", "ofxstatement-russian__vtb.csv"))
    assert statement.closing_balance == Money(8260401, "RUB")  # "82 604,01" in the preamble
    assert statement.lines[-1].notes == ("status В обработке: not final yet",)
    assert statement.lines[0].amount == Money(-33615, "RUB")  # the account-currency amount


def test_mixed_own_accounts_become_two_statements(shared_data: Path) -> None:
    path = _file(shared_data, "csv", "ofxstatement-dutch__transactie-historie_fail.csv")
    first, second = parse_bank_file(path)
    assert (first.account, second.account) == ("NL00ASNB9999999999", "NL00ASNB9999999998")


def test_five_decimals_are_exact(shared_data: Path) -> None:
    path = _file(shared_data, "camt", "genkgo-camt__camt053.v2.five.decimals.xml")
    (statement,) = parse_bank_file(path)
    assert statement.opening_balance == Money(1815, "EUR")
    assert statement.lines[0].amount == Money(885, "EUR")
    (problem,) = check_balances(statement)
    assert problem.endswith("(off by 0.05)")
