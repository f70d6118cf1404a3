"""Small bank files of every format, and a demo book whose open invoices a statement can pay."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from desktop_ar.services.uow import reader

AS_OF = date(2026, 6, 30)
HEADER = "交易日期,摘要,支出,收入,余额,对方户名,对方账号,交易流水号,附言"


@dataclass(frozen=True)
class Row:
    """One line of a test statement: amount signed (credit +), as text."""

    day: date
    amount: str
    name: str = ""
    memo: str = ""
    account: str = ""


def csv_statement(
    path: Path,
    rows: Sequence[Row],
    *,
    account: str = "6222000011112222",
    opening: str = "1000.00",
) -> Path:
    """A Chinese bank's CSV export (preamble, debit/credit columns, running balance)."""
    balance = Decimal(opening)
    lines = [
        "中国某某银行账户交易明细",
        f"账号：{account},币种：人民币",
        "起始日期：2026-06-01,终止日期：2026-06-30",
        HEADER,
    ]
    for k, row in enumerate(rows):
        value = Decimal(row.amount)
        balance += value
        debit, credit = (f"{-value:.2f}", "") if value < 0 else ("", f"{value:.2f}")
        lines.append(
            f"{row.day.isoformat()},转账,{debit},{credit},{balance:.2f},{row.name},"
            f"{row.account},LS{k:04d},{row.memo}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def xlsx_statement(path: Path, rows: Sequence[Row]) -> Path:
    """A CCB-style Excel export: a labelled preamble, then date, debit, credit, balance…"""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["China Construction Bank"])
    ws.append(["币\u3000\u3000种：", "人民币"])
    ws.append(["账\u3000\u3000号：", "6217000000000001"])
    ws.append([])
    ws.append(["交易日期", "支出", "收入", "账户余额", "摘要", "对方户名"])
    balance = Decimal("500.00")
    for row in rows:
        value = Decimal(row.amount)
        balance += value
        debit, credit = (float(-value), 0.0) if value < 0 else (0.0, float(value))
        ws.append([row.day.strftime("%Y%m%d"), debit, credit, float(balance), row.memo, row.name])
    wb.save(path)
    return path


OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
ENCODING:USASCII
CHARSET:1252

<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>CNY<BANKACCTFROM><BANKID>ICBC<ACCTID>6222 01
</BANKACCTFROM><BANKTRANLIST><DTSTART>20260601<DTEND>20260630<STMTTRN><TRNTYPE>CREDIT
<DTPOSTED>20260605120000[+8:CST]<TRNAMT>1234.50<FITID>F1<NAME>上海甲公司<MEMO>INV-1043
</STMTTRN><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260606<TRNAMT>-34.50<FITID>F2<MEMO>fee</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1200.00<DTASOF>20260630</LEDGERBAL></STMTRS></STMTTRNRS>
</BANKMSGSRSV1></OFX>
"""

MT940 = """{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:
:20:0000000000
:25:NL81ASNB9999999999
:28C:1/1
:60F:C260601EUR444,29
:61:2606010601D65,00NTRFNONREF//B4E07XM00J000021
:86:Betaling sieraden
:62F:C260601EUR379,29
-}{5:}
{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:
:20:0000000001
:25:NL81ASNB9999999999
:28C:2/1
:60F:C260602EUR379,29
:61:2606020602C1000,NTRFNONREF//B4E07XM00J000023
:86:/EREF/INV-2026-0001//REMI/Invoice 1043/NAME/Shanghai Trading Co
:62F:C260602EUR1379,29
-}{5:}
"""


def camt(version: str = "053.001.08", *, closing: str = "400") -> str:
    """A camt.05x message with one statement (opening 100, one credit of 300)."""
    kind = "BkToCstmrStmt" if version.startswith("053") else "BkToCstmrDbtCdtNtfctn"
    inner = "Stmt" if version.startswith("053") else "Ntfctn"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{version}">
<{kind}><GrpHdr><MsgId>M</MsgId></GrpHdr><{inner}><Id>S1</Id>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-30</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-06-15</Dt></BookgDt><ValDt><Dt>2026-06-16</Dt></ValDt>
<AcctSvcrRef>BANK-1</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>Beta GmbH</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Invoice INV-7</Ustrd>
</RmtInf></TxDtls></NtryDtls></Ntry></{inner}></{kind}></Document>"""


def write(path: Path, content: str) -> Path:
    """Write text as UTF-8 and return the path."""
    path.write_text(content, encoding="utf-8")
    return path


# -- a demo book --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo book (40 customers, 400 invoices, seed 3) seeded once per run."""
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.demo import seed_demo
    from desktop_ar.services.progress import NullProgress

    path = tmp_path_factory.mktemp("bank_demo") / "demo.db"
    shutil.copyfile(template_db, path)
    ctx = open_book(path, user="tester", clock=FixedClock(AS_OF))
    seed_demo(ctx, customers=40, invoices=400, seed=3, as_of=AS_OF, progress=NullProgress())
    with ctx.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.engine.dispose()
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Any]:
    """A ServiceContext over a fresh copy of the demo book (admin, clock 2026-06-30)."""
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock

    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    ctx = open_book(path, user="tester", clock=FixedClock(AS_OF))
    yield ctx
    ctx.engine.dispose()


@dataclass(frozen=True)
class OpenInvoiceRow:
    """An open CNY invoice of the demo book."""

    id: int
    number: str
    open_minor: int
    customer_id: int
    customer_name: str

    @property
    def open_text(self) -> str:
        """The open amount as a decimal string."""
        return f"{Decimal(self.open_minor).scaleb(-2):.2f}"


def open_invoices(ctx: Any) -> list[OpenInvoiceRow]:
    """The demo book's open CNY invoices with one open schedule line (no discount), by id."""
    sql = """
        SELECT i.id, i.number, i.open_minor, i.customer_id, c.name FROM invoices i
        JOIN customers c ON c.id = i.customer_id
        WHERE i.open_minor > 0 AND i.currency = 'CNY' AND i.status != 'void'
          AND i.disputed = 0
          AND (SELECT count(*) FROM invoice_schedule_lines l
               WHERE l.invoice_id = i.id AND l.open_minor > 0 AND l.discount_minor = 0) = 1
          AND (SELECT count(*) FROM invoice_schedule_lines l WHERE l.invoice_id = i.id) = 1
        ORDER BY i.id
    """
    with reader(ctx) as s:
        return [OpenInvoiceRow(*r) for r in s.execute(text(sql))]


def query(ctx: Any, sql: str, **params: Any) -> list[Any]:
    """All rows of a raw SQL query."""
    with reader(ctx) as s:
        return list(s.execute(text(sql), params))
