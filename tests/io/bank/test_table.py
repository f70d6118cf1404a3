"""CSV/Excel bank exports: columns, flags, preambles, footers, encodings, balances, overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.bank import (
    check_balances,
    guess_bank_mapping,
    guess_bank_table,
    parse_bank_file,
    parse_bank_table,
)

CN_DEBIT_CREDIT = """中国某某银行账户交易明细
账号：6222000011112222,币种：人民币
起始日期：2025-01-01,终止日期：2025-01-31
交易日期,摘要,支出,收入,余额,对方户名,对方账号,交易流水号,附言
2025-01-03,转账,,"1,200.00","2,200.00",上海甲贸易有限公司,31001234,LS001,INV-1043
2025-01-05,手续费,5.50,,"2,194.50",,,LS002,
2025-01-09,转账,"1,000.00",,"1,194.50",乙公司,31005678,LS003,货款
合计,,"1,005.50","1,200.00",,,,,
"""


def _write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_debit_credit_columns_preamble_footer_and_derived_balances(tmp_path: Path) -> None:
    (statement,) = parse_bank_file(_write(tmp_path, CN_DEBIT_CREDIT))
    assert (statement.format, statement.currency) == ("csv", "CNY")
    assert statement.account == "6222000011112222"
    assert (statement.period_start, statement.period_end) == (date(2025, 1, 1), date(2025, 1, 31))
    assert [line.amount.minor for line in statement.lines] == [120000, -550, -100000]
    first = statement.lines[0]
    assert first.counterparty_name == "上海甲贸易有限公司"
    assert (first.counterparty_account, first.bank_reference) == ("31001234", "LS001")
    assert first.memo == "转账 INV-1043"
    assert first.position == "row 5"
    assert statement.opening_balance == Money(100000, "CNY")
    assert statement.closing_balance == Money(119450, "CNY")
    assert check_balances(statement) == []
    assert "opening and closing balances derived from the running balance column" in (
        statement.notes
    )
    assert any(n.startswith("totals rows left out") for n in statement.notes)


def test_gb18030_file_with_flag_column_and_neutral_rows(tmp_path: Path) -> None:
    text = (
        "交易时间,交易对方,商品说明,收/支,金额,交易状态,交易订单号,商家订单号\n"
        "2023-02-12 21:32:14,上海甲公司,货款,收入,¥1200.00,交易成功,T1\t,INV-1043\t\n"
        "2023-02-13 09:00:00,某店,文具,支出,¥20.00,交易成功,T2\t,\n"
        "2023-02-14 10:00:00,余额宝,转入,不计收支,¥99.00,交易成功,T3\t,\n"
        "2023-02-15 10:00:00,某店,文具,支出,¥8.00,交易关闭,T4\t,\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text, encoding="gb18030"))
    income, expense = statement.lines
    assert income.amount == Money(120000, "CNY") and expense.amount == Money(-2000, "CNY")
    assert (income.counterparty_name, income.reference, income.bank_reference) == (
        "上海甲公司",
        "INV-1043",
        "T1",
    )
    assert "read as text in the gb18030 encoding" in statement.notes
    assert any("neither income nor expense" in n and "4" in n for n in statement.notes)
    assert any("closed or failed payments left out: 5" in n for n in statement.notes)


@pytest.mark.parametrize(
    ("flag_header", "credit", "debit"),
    [("借贷标志", "贷", "借"), ("Af Bij", "Bij", "Af"), ("CreditDebet", "C", "D")],
)
def test_flag_columns(tmp_path: Path, flag_header: str, credit: str, debit: str) -> None:
    text = (
        f"Datum;Bedrag;{flag_header};Valutacode\n"
        f"20240102;1.234,56;{credit};EUR\n20240103;0,31;{debit};EUR\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text))
    assert [line.amount for line in statement.lines] == [Money(123456, "EUR"), Money(-31, "EUR")]
    assert statement.lines[0].booking_date == date(2024, 1, 2)


def test_windows_1251_with_income_and_expense_columns(tmp_path: Path) -> None:
    text = (
        "Номер счета;Валюта;Дата операции;Описание операции;Приход;Расход\n"
        "40817;RUR;31.05.17;Зарплата за май;33123,56;0\n40817;RUR;03.05.17;Комиссия;0;-,01\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text, encoding="cp1251"))
    assert statement.currency == "RUB" and statement.account == "40817"
    salary, fee = statement.lines
    assert (salary.booking_date, salary.amount) == (date(2017, 5, 31), Money(3312356, "RUB"))
    assert salary.memo == "Зарплата за май"
    assert fee.amount == Money(-1, "RUB")


def test_headerless_file_with_balance_before_each_line(tmp_path: Path) -> None:
    text = (
        "17-06-2022,NL00ASNB0123456789,NL99ASNB0000000002,Jansen BV,EUR,130.44,EUR,223.77,"
        "'Betaling factuur 1043 van 1 juni'\n"
        "17-06-2022,NL00ASNB0123456789,NL11ABNA0000000003,Card Services,EUR,354.21,EUR,-200.00,"
        "'Card payment reference 2022-06-17'\n"
        "25-06-2022,NL00ASNB0123456789,,,EUR,154.21,EUR,-2.20,'Kosten'\n"
    )
    table = guess_bank_table(_write(tmp_path, text))
    assert table.header_row is None and table.mapping.source == "content"
    (statement,) = table.statements
    assert statement.account == "NL00ASNB0123456789"
    assert statement.lines[0].counterparty_account == "NL99ASNB0000000002"
    assert statement.opening_balance == Money(13044, "EUR")
    assert statement.closing_balance == Money(15201, "EUR")
    assert statement.lines[0].counterparty_name == "Jansen BV"
    assert statement.lines[0].memo == "Betaling factuur 1043 van 1 juni"
    assert check_balances(statement) == []


def test_newest_first_debit_credit_without_header_are_put_in_order(tmp_path: Path) -> None:
    text = "05/02/2023,SHOP,12.10,,87.90\n05/01/2023,DEPOSIT,,100.00,100.00\n"
    (statement,) = parse_bank_file(_write(tmp_path, text), currency="CAD")
    assert [line.amount.minor for line in statement.lines] == [10000, -1210]
    assert statement.lines[0].booking_date == date(2023, 5, 1)  # CAD: month/day
    assert (statement.opening_balance, statement.closing_balance) == (
        Money(0, "CAD"),
        Money(8790, "CAD"),
    )


def test_no_currency_is_refused_until_one_is_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "Date,Description,Amount\n2024-01-02,Deposit,10.00\n")
    with pytest.raises(UserFacingError, match="does not say in which currency"):
        parse_bank_file(path)
    assert parse_bank_file(path, currency="USD")[0].lines[0].amount == Money(1000, "USD")


def test_year_less_dates_take_the_statement_month(tmp_path: Path) -> None:
    text = (
        "招商银行信用卡对账单（2024年01月）\n交易日,记账日,交易摘要,人民币金额\n"
        ",12/29,还款,-1.23\n01/02,01/03,电影票,56.78\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text))
    assert [line.booking_date for line in statement.lines] == [date(2023, 12, 29), date(2024, 1, 3)]


def test_explicit_mapping_overrides_the_guess(tmp_path: Path) -> None:
    path = _write(tmp_path, CN_DEBIT_CREDIT)
    guessed = guess_bank_table(path).mapping.to_dict()
    assert guessed["debit"] == 2 and guessed["credit"] == 3 and guessed["memo"] == [1, 8]
    swapped = {k: v for k, v in guessed.items() if k != "balance"}
    swapped.update(debit=3, credit=2, memo=[8])
    (statement,) = parse_bank_table(path, header_row=3, mapping=swapped)
    assert statement.lines[0].amount == Money(-120000, "CNY")
    assert statement.lines[0].memo == "INV-1043"
    # Without header_row the header is still found, so the template applies to the data only.
    assert parse_bank_table(path, mapping=swapped)[0].lines[0].amount == Money(-120000, "CNY")
    with pytest.raises(UserFacingError, match="column mapping is not valid"):
        parse_bank_table(path, header_row=3, mapping={"date": 0, "amount": 0})


def test_excel_export_with_numbers_and_disclaimer_footer(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (
        ["China Construction Bank"],
        ["币\u3000\u3000种：", "人民币"],
        ["账\u3000\u3000号：", "6217****0001"],
        [],
        ["记账日  ", "交易日期  ", "支出  ", "收入  ", "账户余额  ", "摘要  ", "对方户名  "],
        ["20250101", "20250101", 67.0, 0.0, 2176.91, "消费", "中***融科技有限公司"],
        ["20250102", "20250102", 0.0, 100.5, 2277.41, "转入", "上海甲公司"],
        ["以上数据仅供参考|具体内容请以柜台为准"],
    ):
        ws.append(row)
    path = tmp_path / "ccb.xlsx"
    wb.save(path)
    (statement,) = parse_bank_file(path, "xlsx")
    assert statement.format == "xlsx" and statement.account == "6217****0001"
    assert [line.amount.minor for line in statement.lines] == [-6700, 10050]
    assert statement.lines[1].counterparty_name == "上海甲公司"
    assert statement.opening_balance == Money(224391, "CNY")
    assert any(n.startswith("footer rows left out") for n in statement.notes)


def test_guess_mapping_prefers_booked_amounts_and_skips_card_digits() -> None:
    headers = ["交易日期", "交易金额(收入)", "交易金额(支出)", "记账金额(收入)", "记账金额(支出)",
               "交易币种", "记账币种", "卡号后四位", "余额"]  # fmt: skip
    mapping = guess_bank_mapping(headers)
    assert mapping.columns["credit"] == 3 and mapping.columns["debit"] == 4
    assert mapping.columns["currency"] == 6 and "amount" not in mapping.columns
    assert "account" not in mapping.columns
    assert mapping.has_date() and mapping.has_amount()


def test_printed_report_and_empty_export_are_refused(tmp_path: Path) -> None:
    report = "REPORT\n-----+-----+-----\n  A  |  B  |  C\n-----+-----+-----\n"
    with pytest.raises(UserFacingError, match="printed"):
        parse_bank_file(_write(tmp_path, report, "r.txt"))
    with pytest.raises(UserFacingError, match="no transaction lines"):
        parse_bank_file(_write(tmp_path, "Datum;Bedrag;CreditDebet;Valutacode\n", "e.csv"))
