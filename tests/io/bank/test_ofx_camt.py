"""OFX (SGML and XML) and camt.053: structure, batches, decimals, dates, refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.bank import parse_bank_file

SGML = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
ENCODING:USASCII
CHARSET:1252

<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>CNY<BANKACCTFROM><BANKID>ICBC<ACCTID>6222 01
</BANKACCTFROM><BANKTRANLIST><DTSTART>20250101<DTEND>20250131<STMTTRN><TRNTYPE>CREDIT
<DTPOSTED>20250105120000[+8:CST]<TRNAMT>1,234.50<FITID>F1<NAME>上海甲公司<MEMO>INV-1043 & INV-1044
</STMTTRN><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250106<TRNAMT>-34.50<FITID>F2<MEMO>fee</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1200.00<DTASOF>20250131</LEDGERBAL></STMTRS></STMTTRNRS>
<STMTTRNRS><STMTRS><CURDEF>USD<BANKACCTFROM><ACCTID>9</BANKACCTFROM><BANKTRANLIST></BANKTRANLIST>
<LEDGERBAL><BALAMT></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def _write(tmp_path: Path, data: str | bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_ofx_sgml_several_accounts_raw_ampersand_and_wrong_charset(tmp_path: Path) -> None:
    text = SGML.replace("<TRNAMT>1,234.50", "<TRNAMT>1234.50")
    cny, usd = parse_bank_file(_write(tmp_path, text, "a.qfx"))
    assert (cny.account, cny.bank, cny.currency) == ("6222 01", "ICBC", "CNY")
    assert (cny.period_start, cny.period_end) == (date(2025, 1, 1), date(2025, 1, 31))
    first, fee = cny.lines
    assert first.booking_date == date(2025, 1, 5)
    assert first.amount == Money(123450, "CNY")
    assert first.counterparty_name == "上海甲公司"
    assert first.memo == "上海甲公司 INV-1043 & INV-1044"
    assert first.bank_reference == "F1"
    assert fee.amount == Money(-3450, "CNY")
    assert cny.opening_balance is None and cny.closing_balance == Money(120000, "CNY")
    assert any("charset is 1252 but it is utf-8" in n for n in cny.notes)
    assert usd.lines == () and usd.closing_balance is None
    assert any("LEDGERBAL" in n for n in usd.notes)


def test_ofx_amount_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match=r"'1,234.50' is not a number"):
        parse_bank_file(_write(tmp_path, SGML, "a.ofx"))


def test_ofx_with_dtd_is_refused(tmp_path: Path) -> None:
    text = '<?xml version="1.0"?><!DOCTYPE OFX [<!ENTITY x "y">]><?OFX VERSION="200"?><OFX/>'
    with pytest.raises(UserFacingError, match="DTD"):
        parse_bank_file(_write(tmp_path, text, "a.ofx"))


def _camt(version: str, body: str, ccy: str = "EUR") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{version}">
<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S1</Id><ElctrncSeqNb>7</ElctrncSeqNb>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>{ccy}</Ccy><Ownr><Nm>Us GmbH</Nm></Ownr>
</Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">100.00000</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><DtTm>2025-01-01T00:00:00+01:00</DtTm></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">400</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-01-31</Dt></Dt></Bal>
{body}</Stmt></BkToCstmrStmt></Document>"""


def _tx(amount: str, name: str, ref: str) -> str:
    return (
        f'<TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs><Amt Ccy="EUR">{amount}</Amt>'
        f"<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr></RltdPties>"
        f"<RmtInf><Ustrd>Invoice {ref}</Ustrd></RmtInf></TxDtls>"
    )


def _entry(amount: str, details: str, status: str = "<Sts><Cd>BOOK</Cd></Sts>") -> str:
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>{status}'
        "<BookgDt><DtTm>2025-01-15T10:00:00</DtTm></BookgDt><ValDt><Dt>2025-01-16</Dt></ValDt>"
        f"<AcctSvcrRef>BANK-1</AcctSvcrRef><NtryDtls>{details}</NtryDtls></Ntry>"
    )


def test_camt_batch_entry_split_into_its_transactions(tmp_path: Path) -> None:
    batch = (
        _tx("100.00", "甲公司", "INV-1")
        + _tx("150.00", "Beta Ltd", "INV-2")
        + _tx("50.00", "Gamma", "INV-3")
    )
    text = _camt("053.001.08", _entry("300.00", batch))
    (statement,) = parse_bank_file(_write(tmp_path, text, "s.xml"))
    assert statement.format_detail == "camt.053.001.08"
    assert statement.opening_balance == Money(10000, "EUR")  # 100.00000: exact zeros accepted
    assert statement.account_name == "Us GmbH" and statement.sequence == "7"
    assert [line.amount.minor for line in statement.lines] == [10000, 15000, 5000]
    first = statement.lines[0]
    assert (first.counterparty_name, first.end_to_end_id) == ("甲公司", "INV-1")
    assert first.memo == "Invoice INV-1"
    assert (first.booking_date, first.value_date) == (date(2025, 1, 15), date(2025, 1, 16))
    assert first.position == "entry 1, transaction 1"
    assert first.bank_reference == "BANK-1"


def test_camt_batch_that_does_not_add_up_stays_one_line(tmp_path: Path) -> None:
    batch = _tx("100.00", "A", "INV-1") + _tx("150.00", "B", "INV-2")
    text = _camt("053.001.02", _entry("300.00", batch))
    (statement,) = parse_bank_file(_write(tmp_path, text, "s.xml"))
    (line,) = statement.lines
    assert line.amount == Money(30000, "EUR")
    assert line.memo == "Invoice INV-1 Invoice INV-2"
    assert line.notes == ("a batch of 2 transactions booked as one amount",)


def test_camt_pending_entries_are_left_out(tmp_path: Path) -> None:
    entries = _entry("300.00", "") + _entry("5.00", "", "<Sts>PDNG</Sts>")
    (statement,) = parse_bank_file(_write(tmp_path, _camt("053.001.04", entries), "s.xml"))
    assert len(statement.lines) == 1
    assert "entry 2 is PDNG (not booked) and was left out" in statement.notes


def test_camt_extra_decimals_are_refused_not_rounded(tmp_path: Path) -> None:
    text = _camt("053.001.02", _entry("300.005", ""))
    with pytest.raises(UserFacingError, match=r"300\.005 EUR has more than 2 decimals"):
        parse_bank_file(_write(tmp_path, text, "s.xml"))


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (
            "054.001.08",
            "this is a camt.054 debit/credit notification, not an account statement "
            "(camt.053); export the statement",
        ),
        ("052.001.02", "this is a camt.052 intraday account report"),
    ],
)
def test_camt_052_and_054_are_refused(tmp_path: Path, version: str, message: str) -> None:
    with pytest.raises(UserFacingError) as info:
        parse_bank_file(_write(tmp_path, _camt(version, ""), "n.xml"))
    assert message in info.value.message


def test_camt_entities_and_foreign_xml_are_refused(tmp_path: Path) -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(UserFacingError, match="unsafe"):
        parse_bank_file(_write(tmp_path, bomb, "bomb.xml"))
    pain = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>'
    with pytest.raises(UserFacingError, match=r"ISO 20022 pain\.001\.001\.03 message"):
        parse_bank_file(_write(tmp_path, pain, "pain.xml"))


def test_format_mismatch_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _camt("053.001.02", ""), "s.xml")
    with pytest.raises(UserFacingError, match="the file is not mt940"):
        parse_bank_file(path, "mt940")
    assert parse_bank_file(path, "camt053")[0].lines == ()
