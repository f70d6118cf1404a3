"""Every real OFX, QFX and CAMT file in ../shared/data/bank_statements: its expected outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.io.bank.expect import Expect, check, files, ok, refused

OFX: dict[str, Expect] = {
    "asgrim-ofxparser__ofx-multiple-accounts-xml.ofx": ok(
        (0, 2, 1), "GBP", None, "43.01", off=(), spot=(1, 0, "2014-07-17", "-3.98", "TESCO")
    ),
    "asgrim-ofxparser__ofxdata-banking-xml200.ofx": refused("transaction 1 has no amount (TRNAMT)"),
    "asgrim-ofxparser__ofxdata-bb-two-stmtrs.ofx": ok(
        (0, 36),
        "BRL",
        None,
        "0.00",
        off=(),
        spot=(1, 0, "2017-03-01", "13318.36", "TED-CRÉDITO EM CONTA"),
    ),
    "asgrim-ofxparser__ofxdata-bb.ofx": ok(
        (1,),
        "BRL",
        None,
        "239.35",
        off=(),
        spot=(0, 0, "2015-11-03", "239.55", "DOC CRÉDITO EM CONTA"),
    ),
    "asgrim-ofxparser__ofxdata-bpbfc.ofx": ok(
        (6,),
        "EUR",
        None,
        "10000.00",
        off=(),
        spot=(0, 0, "2016-04-29", "-13.50", "OPERATION NAME DISCLOSED"),
    ),
    "asgrim-ofxparser__ofxdata-cmfr.ofx": ok(
        (42,),
        "EUR",
        None,
        "10000.00",
        off=(),
        spot=(0, 0, "2016-06-01", "-1978.78", "OPERATION NAME DISCLOSED"),
    ),
    "asgrim-ofxparser__ofxdata-credit-card.ofx": ok(
        (1,), "GBP", None, "-500.00", off=(), spot=(0, 0, "2016-08-23", "-100.00", "VENDOR")
    ),
    "asgrim-ofxparser__ofxdata-emptyDateTime.ofx": ok(
        (2,), "AUD", None, None, off=(), spot=(0, 0, "2018-12-14", "337.50", "TEST TEST TEST AAAA")
    ),
    "asgrim-ofxparser__ofxdata-memoWithAmpersand.ofx": ok(
        (16,),
        "BRL",
        None,
        "-734.05",
        off=(),
        spot=(0, 0, "2018-09-13", "-33.30", "Amazon.Com.Br Amazon & Cloud 3"),
    ),
    "asgrim-ofxparser__ofxdata-memoWithQuotes.ofx": ok(
        (16,),
        "BRL",
        None,
        "-734.05",
        off=(),
        spot=(0, 0, "2018-09-13", "-33.30", "Amazon.Com.Br Amazon S 3/3"),
    ),
    "asgrim-ofxparser__ofxdata-oneline.ofx": ok(
        (8,),
        "EUR",
        None,
        "100.00",
        off=(),
        spot=(0, 0, "2016-07-19", "-1.55", "FRAIS TRIMESTRIELS"),
    ),
    "asgrim-ofxparser__ofxdata-selfclose.ofx": ok(
        (5,), "BRL", None, None, off=(), spot=(0, 0, "2019-09-18", "-70.00", "CXE 000026 SAQUE")
    ),
    "asgrim-ofxparser__ofxdata-xml.ofx": ok(
        (3,), "USD", None, "5250.00", off=(), spot=(0, 0, "2007-03-15", "200.00", "DEPOSIT")
    ),
    "asgrim-ofxparser__ofxdata.ofx": ok(
        (3,), "USD", None, "5250.00", off=(), spot=(0, 0, "2007-03-15", "200.00", "DEPOSIT")
    ),
    "ofxparse__anzcc.ofx": ok(
        (1,), "AUD", None, "-123.45", off=(), spot=(0, 0, "2017-05-08", "-5.50", "SOME MEMO")
    ),
    "ofxparse__bank_medium.ofx": ok(
        (3,), "CAD", None, "382.34", off=(), spot=(0, 0, "2009-04-01", "-6.60", "MCDONALD'S #112")
    ),
    "ofxparse__chase_cc.qfx": ok(
        (1,),
        "USD",
        None,
        "-10.00",
        off=(),
        spot=(0, 0, "2020-01-01", "-10.00", "SQ *ECCO UN POCO ¦ NATURA"),
    ),
    "ofxparse__checking.ofx": ok(
        (3,),
        "USD",
        None,
        "100.99",
        off=(),
        spot=(0, 0, "2011-03-31", "0.01", "DIVIDEND EARNED FOR PERIOD OF 03"),
    ),
    "ofxparse__error_message.ofx": refused(
        "the bank's server answered with an error instead of a statem"
    ),
    "ofxparse__fail_nice_date_missing.ofx": refused(
        "transaction 1 (FITID 184997056) has no posting date (DTPOSTE"
    ),
    "ofxparse__fail_nice_decimal_error.ofx": refused(
        "transaction 1 (FITID 2000957249): the amount (TRNAMT) '$120'"
    ),
    "ofxparse__fail_nice_empty_balance.ofx": ok(
        (1,), "CAD", None, None, off=(), spot=(0, 0, "2011-03-08", "120.00", "Foobar")
    ),
    "ofxparse__multiple_accounts.ofx": ok((0, 0), "USD", None, "111.00", off=()),
    "ofxparse__ofx-v102-empty-tags.ofx": ok(
        (1,), "AUD", None, None, off=(), spot=(0, 0, "2018-05-07", "12.34", "CBA:Transfer")
    ),
    "ofxparse__suncorp.ofx": ok(
        (1,),
        "AUD",
        None,
        "1234.12",
        off=(),
        spot=(0, 0, "2013-12-15", "-16.85", "EFTPOS WDL HANDYWAY ALDI STORE"),
    ),
    "ofxparse__vanguard.ofx": refused(
        "this is an investment (brokerage) statement (INVSTMTRS), not"
    ),
}

CAMT: dict[str, Expect] = {
    "genkgo-camt__camt052.v2.xml": refused(
        "this is a camt.052 intraday account report, not an account s"
    ),
    "genkgo-camt__camt052.v6.Amt-zero.xml": refused(
        "this is a camt.052 intraday account report, not an account s"
    ),
    "genkgo-camt__camt053.v2.all-balance-types.xml": ok(
        (1,),
        "EUR",
        "1.01",
        "4.04",
        off=(0,),
        spot=(0, 0, "2014-12-31", "8.85", "Transaction Description"),
    ),
    "genkgo-camt__camt053.v2.five.decimals.xml": ok(
        (1,),
        "EUR",
        "18.15",
        "27.05",
        off=(0,),
        spot=(0, 0, "2014-12-31", "8.85", "Transaction Description"),
    ),
    "genkgo-camt__camt053.v2.minimal.ultimate.xml": ok(
        (1,),
        "EUR",
        "18.15",
        None,
        off=(),
        spot=(0, 0, "2014-12-31", "8.85", "ultimate debtor: DEBTOR NAME N"),
    ),
    "genkgo-camt__camt053.v2.minimal.xml": ok(
        (1,), "EUR", "18.15", None, off=(), spot=(0, 0, "2014-12-31", "8.85", "NAME NAME")
    ),
    "genkgo-camt__camt053.v2.multi.statement.xml": ok(
        (1, 1),
        "EUR",
        "18.15",
        "27.00",
        off=(),
        spot=(0, 0, "2014-12-31", "8.85", "Transaction Description 1"),
    ),
    "genkgo-camt__camt053.v2.with-account-name.xml": ok(
        (1,), "EUR", None, None, off=(), spot=(0, 0, "2014-12-31", "8.85", "")
    ),
    "genkgo-camt__camt053.v2.with-party-ids.xml": ok(
        (1,), "EUR", "18.15", None, off=(), spot=(0, 0, "2014-12-31", "8.85", "NAME NAME")
    ),
    "genkgo-camt__camt053.v2.wrong.xml": refused(
        "the camt.053 file contains no statement (<Stmt>)"
    ),
    "genkgo-camt__camt053.v3.xml": ok(
        (1,), "EUR", "18.15", None, off=(), spot=(0, 0, "2014-12-31", "8.85", "NAME NAME")
    ),
    "genkgo-camt__camt053.v4.xml": ok(
        (1,), "EUR", "18.15", None, off=(), spot=(0, 0, "2014-12-31", "8.85", "NAME NAME")
    ),
    "genkgo-camt__camt053.v8.xml": ok(
        (1,), "EUR", "18.15", None, off=(), spot=(0, 0, "2014-12-31", "8.85", "NAME NAME")
    ),
    "genkgo-camt__camt054.v2.xml": refused(
        "this is a camt.054 debit/credit notification, not an account"
    ),
    "genkgo-camt__camt054.v4.xml": refused(
        "this is a camt.054 debit/credit notification, not an account"
    ),
    "genkgo-camt__camt054.v8-with-UETR.xml": refused(
        "this is a camt.054 debit/credit notification, not an account"
    ),
    "genkgo-camt__camt054.v8.xml": refused(
        "this is a camt.054 debit/credit notification, not an account"
    ),
    "genkgo-camt__camt53.only-Dt-with-DtTm.xml": ok((0,), "RON", "5442.09", None, off=()),
    "ofxstatement-iso20022__camt052.xml": refused(
        "this is a camt.052 intraday account report, not an account s"
    ),
    "ofxstatement-iso20022__camt053.xml": ok(
        (1,), "CHF", "832.01", "2116.31", off=(), spot=(0, 0, "2023-01-25", "1284.30", "PAYEE")
    ),
    "ofxstatement-iso20022__davider80.xml": ok(
        (16,),
        "CHF",
        "9433.31",
        "5753.46",
        off=(),
        spot=(0, 0, "2017-04-01", "-905.30", "Sistema di addebitamento diret"),
    ),
    "ofxstatement-iso20022__gcamp6.xml": refused(
        "statement 1: the amounts are in XXX, which means 'no currenc"
    ),
    "ofxstatement-iso20022__simple.xml": ok(
        (4,), "EUR", "306.53", "125.52", off=(), spot=(0, 0, "2015-12-31", "-0.29", "AB DNB Bankas")
    ),
    "ofxstatement-iso20022__unsupported.xml": refused(
        "this XML file is not a CAMT bank statement (namespace urn:we"
    ),
}


EXPECTED = {"ofx": OFX, "camt": CAMT}


@pytest.mark.shared_data
@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_every_file_has_an_expectation(shared_data: Path, folder: str) -> None:
    assert sorted(p.name for p in files(shared_data, folder)) == sorted(EXPECTED[folder])


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("folder", "name"), [(f, n) for f, table in EXPECTED.items() for n in table]
)
def test_real_file(shared_data: Path, folder: str, name: str) -> None:
    check(shared_data / "bank_statements" / folder / name, EXPECTED[folder][name])
