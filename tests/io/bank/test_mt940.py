"""MT940: wrapped lines, several statements, pages, odd dates, encodings, MT942 refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.bank import check_balances, parse_bank_file

TWO_STATEMENTS = """{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:
:20:0000000000
:25:NL81ASNB9999999999
:28C:1/1
:60F:C200101EUR444,29
:61:2001010101D65,00NOVBNL47INGB9999999999
hr gjlm paulissen
:86:NL47INGB9999999999 hr gjlm paulissen

Betaling sieraden
:62F:C200101EUR379,29
-}{5:}
{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:
:20:0000000001
:25:NL81ASNB9999999999
:28C:2/1
:60F:C200102EUR379,29
:61:2001020102C1000,NTRFNONREF//B4E07XM00J000023
:86:051?00GUTSCHRIFT?20EREF+INV-2025-0001 RE?21CHNUNG 1043?32Shanghai Trading Co
?33. Ltd?31DE89370400440532013000
:61:2001020102RC20,00NTRFNONREF
:86:storno
:62F:C200102EUR1359,29
-}{5:}
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "statement.sta") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_two_statements_wrapped_lines_and_structured_details(tmp_path: Path) -> None:
    first, second = parse_bank_file(_write(tmp_path, TWO_STATEMENTS))
    assert (first.statement_id, second.statement_id) == ("1/1", "2/1")
    assert first.account == "NL81ASNB9999999999"
    assert first.opening_balance == Money(44429, "EUR")
    assert first.closing_balance == Money(37929, "EUR")
    wrapped = first.lines[0]
    assert wrapped.amount == Money(-6500, "EUR")
    # The :61: line wrapped onto the next line: the name is kept, not a parse error.
    assert wrapped.memo.startswith("hr gjlm paulissen")
    assert "Betaling sieraden" in wrapped.memo
    credit, storno = second.lines
    assert credit.amount == Money(100000, "EUR")
    assert credit.counterparty_name == "Shanghai Trading Co. Ltd"
    assert credit.counterparty_account == "DE89370400440532013000"
    # ?20/?21 are joined without a space: SWIFT cuts inside words ("RE" + "CHNUNG").
    assert credit.end_to_end_id == "INV-2025-0001 RECHNUNG 1043"
    assert credit.bank_reference == "B4E07XM00J000023"
    assert credit.transaction_code == "NTRF/051"
    assert storno.amount == Money(-2000, "EUR")  # RC: reversal of a credit is a debit
    assert storno.notes == ("reversal (storno) of an earlier line",)
    assert check_balances(first) == [] and check_balances(second) == []


def test_pages_of_one_statement_are_joined(tmp_path: Path) -> None:
    text = """:20:A
:25:123456789
:28C:999/1
:60F:C131130CHF0,
:61:1312091209C79,7FMSC01916//NONREF
:62M:C140407CHF79,7
-
:20:B
:25:123456789
:28C:999/2
:60M:C140407CHF79,7
:61:1312161216D9,7FMSC01916//NONREF
:62F:C140407CHF70,
-
"""
    (statement,) = parse_bank_file(_write(tmp_path, text))
    assert len(statement.lines) == 2
    assert statement.closing_balance == Money(7000, "CHF")
    assert "the statement continues on page 999/2; joined" in statement.notes
    assert check_balances(statement) == []


def test_balances_off_are_reported_with_the_difference(tmp_path: Path) -> None:
    text = ":20:X\n:25:1\n:28C:1\n:60F:C240101EUR100,00\n:61:240101D10,00NMSC\n:62F:C240101EUR80,\n"
    (statement,) = parse_bank_file(_write(tmp_path, text))
    (problem,) = check_balances(statement)
    assert "off by -10.00" in problem


def test_tag_like_text_inside_details_is_not_a_tag(tmp_path: Path) -> None:
    text = (
        ":20:S\n:25:12345678/1020304050\n:28C:1\n:60F:C160229EUR1200,00\n"
        ":61:1603010301DR6,00N024NONREF\n:86:106?20EREF+X?24/PL 12-09-2014T16\n"
        ":26:37 Fo?25lgenr. 007\n:62F:C160301EUR1194,00\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text))
    assert statement.lines[0].memo == "EREF+X/PL 12-09-2014T16:26:37 Folgenr. 007"
    assert statement.bank == "12345678"


def test_value_date_that_does_not_exist_uses_the_entry_date(tmp_path: Path) -> None:
    text = (
        ":20:S\n:25:1\n:28C:1\n:60F:C160229EUR1200,00\n:61:1602300301DR6,00N024NONREF\n"
        ":62F:C160301EUR1194,00\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text))
    line = statement.lines[0]
    assert (line.booking_date, line.value_date) == (date(2016, 3, 1), None)
    assert "160230" in line.notes[0]


def test_no_valid_date_at_all_is_refused(tmp_path: Path) -> None:
    text = ":20:S\n:25:1\n:28C:1\n:60F:C160229EUR1,00\n:61:160230D1,00NMSC\n:62F:C160301EUR0,\n"
    with pytest.raises(UserFacingError, match=r"160230 \(YYMMDD\) does not exist"):
        parse_bank_file(_write(tmp_path, text))


@pytest.mark.parametrize(
    "text",
    [
        ":20:X\n:25:PL1\n:28C:1/1\n:34F:PLN0\n:13D:1701191815+0100\n:61:170119C1,00NTRF\n",
        "{1:F01X}{2:O942X}{4:\n:20:X\n:25:1\n:60F:C170119PLN0,\n-}",
    ],
)
def test_mt942_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(UserFacingError) as info:
        parse_bank_file(_write(tmp_path, text))
    assert "MT942 interim" in info.value.message
    assert "export the MT940 end-of-day statement" in info.value.message


def test_cp852_text_is_decoded(tmp_path: Path) -> None:
    text = (
        ":20:S\n:25:UBRTHUHB/123/HUF\n:28C:1\n:60F:C180417HUF0,\n:61:180417CF10,00N527\n"
        "Csoportos átutalás jóváírása\n:62F:C180417HUF10,00\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text.encode("cp852")))
    assert statement.lines[0].memo == "Csoportos átutalás jóváírása"
    assert (statement.account, statement.bank) == ("123", "UBRTHUHB")
    assert "read as text in the cp852 encoding" in statement.notes


def test_dutch_keywords_and_free_text(tmp_path: Path) -> None:
    text = (
        ":20:S\n:25:NL71RABO0123456789\n:28C:0\n:60F:C130101EUR1000,00\n"
        ":61:130101C25,00N102EREF\nNL70ABNA0987654321\n"
        ":86:/EREF/E2E-1/BENM//NAME/CONTRA ACCOUN\nT HOLDER/REMI/Invoice 1043/ISDT/2013-01-01\n"
        ":62F:C130108EUR1025,00\n"
    )
    (statement,) = parse_bank_file(_write(tmp_path, text))
    line = statement.lines[0]
    assert line.counterparty_name == "CONTRA ACCOUNT HOLDER"
    assert line.end_to_end_id == "E2E-1"
    assert line.reference is None  # "EREF" in :61: only says the reference is in :86:
    assert "Invoice 1043" in line.memo


def test_unknown_currency_and_missing_balance_currency(tmp_path: Path) -> None:
    text = ":20:S\n:25:1\n:28:1/1\n:60F:C020315DEM0,00\n:61:020317C50,00S051\n:62F:C02031550,00\n"
    (statement,) = parse_bank_file(_write(tmp_path, text))
    assert statement.closing_balance == Money(5000, "DEM")
    assert any("has no currency; DEM was assumed" in n for n in statement.notes)
    assert any("DEM is not in the application's currency list" in n for n in statement.notes)


def test_no_statement_in_file(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError):
        parse_bank_file(_write(tmp_path, ":25:1\n:61:1\n"), "mt940")
