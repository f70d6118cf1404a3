"""Every real MT940/MT942 file in ../shared/data/bank_statements: its expected outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.io.bank.expect import Expect, check, files, ok, refused

MT940: dict[str, Expect] = {
    "wolph-mt940__ASNB__mt940.txt": ok(
        (
            1,
            0,
            0,
            0,
            2,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            1,
            0,
            0,
            0,
            2,
            0,
            2,
        ),
        "EUR",
        "444.29",
        "379.29",
        off=(),
        spot=(0, 0, "2020-01-01", "-65.00", "hr gjlm paulissen NL47INGB9999"),
    ),
    "wolph-mt940__betterplace__sepa_mt9401.sta": ok(
        (7, 2, 5, 3, 5, 1, 8, 11, 12, 9, 1, 12, 1, 3, 4, 7, 3, 1, 1, 1),
        "EUR",
        "-1234718.36",
        "-1237628.23",
        off=(),
        spot=(0, 0, "2007-09-04", "300.00", "RETOURE EREF+TFNR 40005 00005M"),
    ),
    "wolph-mt940__betterplace__with_binary_character.sta": ok(
        (3, 1),
        "EUR",
        "380115.77",
        "199929.02",
        off=(),
        spot=(0, 0, "2010-03-19", "27.00", "PAYPAL"),
    ),
    "wolph-mt940__citi__mt940.txt": ok(
        (5,),
        "USD",
        "17376.67",
        "16233.92",
        off=(),
        spot=(0, 0, "2024-03-12", "-212.39", "/ABC/DEF/MISCELLANEOUS /PT/FT/"),
    ),
    "wolph-mt940__cmxl__mt940.sta": ok(
        (11, 2, 3),
        "DEM",
        "84349.74",
        "84437.04",
        off=(2,),
        spot=(0, 0, "2013-10-17", "-6800.00", "999PN5477SCHECK-NR. 0000016703"),
    ),
    "wolph-mt940__jejik__abnamro.sta": ok(
        (8, 2),
        "EUR",
        "3236.28",
        "876.84",
        off=(0, 1),
        spot=(0, 0, "2011-05-24", "-9.00", "GIRO 428428 KPN - DIGITENNE BE"),
    ),
    "wolph-mt940__jejik__generic.sta": ok(
        (1, 1), "EUR", "100.00", "90.00", off=(), spot=(0, 0, "2011-01-01", "-10.00", "")
    ),
    "wolph-mt940__jejik__ing.sta": ok(
        (7,),
        "EUR",
        "0.00",
        "3.47",
        off=(0,),
        spot=(0, 0, "2010-07-22", "-25.03", "RC AFREKENING BETALINGSVERKEER"),
    ),
    "wolph-mt940__jejik__knab.sta": ok(
        (1, 2),
        "EUR",
        "0.00",
        "500.00",
        off=(1,),
        spot=(0, 0, "2014-05-07", "500.00", "HIER EEN MOOIE OMSCHRIJVING IN"),
    ),
    "wolph-mt940__jejik__postfinance.sta": ok(
        (4,),
        "CHF",
        "0.00",
        "159.60",
        off=(0,),
        spot=(0, 0, "2013-12-09", "79.70", "201312090076021987654320000000"),
    ),
    "wolph-mt940__jejik__rabobank-iban.sta": ok(
        (2, 2),
        "EUR",
        "1000.00",
        "965.00",
        off=(),
        spot=(0, 0, "2013-01-01", "-25.00", "CONTRA ACCOUNT HOLDER"),
    ),
    "wolph-mt940__jejik__rabobank.sta": ok(
        (1, 0, 2, 2),
        "EUR",
        "473.17",
        "395.82",
        off=(0, 2),
        spot=(0, 0, "2011-05-27", "-1213.28", "W.P. Jansen"),
    ),
    "wolph-mt940__jejik__sns.sta": ok(
        (2, 0),
        "EUR",
        "1234.56",
        "1209.56",
        off=(),
        spot=(0, 0, "2012-06-08", "-20.00", "marechal s 0987654321 marechal"),
    ),
    "wolph-mt940__jejik__triodos.sta": ok(
        (2,),
        "EUR",
        "4975.09",
        "4370.79",
        off=(0,),
        spot=(0, 0, "2011-01-01", "-15.70", "ALGEMENE TUSSENREKENING KOSTEN"),
    ),
    "wolph-mt940__mBank__mt940.sta": ok(
        (3,),
        "PLN",
        "0.40",
        "0.43",
        off=(),
        spot=(0, 0, "2017-01-19", "0.01", "911-TRANSAKCJA IPH 911 TRANSAK"),
    ),
    "wolph-mt940__mBank__mt942.sta": refused(
        "this is an MT942 interim (intraday) transaction report, not "
    ),
    "wolph-mt940__mBank__with_newline_in_tnr.sta": ok(
        (2,),
        "PLN",
        "0.46",
        "860.17",
        off=(0,),
        spot=(0, 0, "2017-02-01", "45.00", "911-TRANSAKCJA IPH 911 TRANSAK"),
    ),
    "wolph-mt940__sberbank__171011_01234945.sta": ok(
        (3,),
        "HUF",
        "627311.30",
        "617874.30",
        off=(),
        spot=(0, 0, "2017-10-11", "-2402.00", "ERGO Versicherung AG Fioktelep"),
    ),
    "wolph-mt940__self-provided__february_30.sta": ok(
        (1,),
        "EUR",
        "1200.00",
        "1194.00",
        off=(),
        spot=(0, 0, "2016-03-01", "-6.00", "ENTGELTABSCHLUSS Pauschalen"),
    ),
    "wolph-mt940__self-provided__gv_codes.sta": ok(
        (2,),
        "EUR",
        "12345.12",
        None,
        off=(),
        spot=(0, 0, "2017-09-14", "-233.15", "PayPal (Europe) S.a.r.l. et"),
    ),
    "wolph-mt940__self-provided__long_statement_number.sta": ok(
        (0,), "TRY", "0.00", "0.00", off=()
    ),
    "wolph-mt940__self-provided__malformed_details.sta": ok(
        (1,),
        "EUR",
        "12345.12",
        "12345.98",
        off=(0,),
        spot=(0, 0, "2017-09-14", "-233.15", "Finanzamt Muenchen Abteilung Erhebung"),
    ),
    "wolph-mt940__self-provided__mt942.sta": refused(
        "this is an MT942 interim (intraday) transaction report, not "
    ),
    "wolph-mt940__self-provided__multiline.sta": ok(
        (2,),
        "EUR",
        "16.40",
        "11.40",
        off=(0,),
        spot=(
            0,
            0,
            "2004-08-04",
            "-5.00",
            "NOM DU DO / BENEFICIAIRE 11NOM DU DO / BENEFICIAIRE 22",
        ),
    ),
    "wolph-mt940__self-provided__raiffeisen-cmi.sta": ok(
        (7,),
        "HUF",
        "25170637.10",
        "25281687.60",
        off=(0,),
        spot=(0, 0, "2018-04-17", "2066637.00", "Csoportos átutalás jóváírása C"),
    ),
    "wolph-mt940__self-provided__raphaelm.sta": ok(
        (8, 1),
        "DEM",
        "0.00",
        "145000.00",
        off=(),
        spot=(0, 0, "2002-03-20", "5000.00", "Empfänger"),
    ),
    "wolph-mt940__self-provided__whitespace.sta": ok(
        (1,),
        "EUR",
        "12345.12",
        "12345.98",
        off=(0,),
        spot=(0, 0, "2017-09-14", "-233.15", "DEUTSCHE KREDITBANK AG"),
    ),
    "wolph-mt940__self-provided__wrapped_timestamp.sta": ok(
        (1,),
        "EUR",
        "1200.00",
        "1194.00",
        off=(),
        spot=(0, 0, "2016-03-01", "-6.00", "0000/661 EREF+VZ00000000000000"),
    ),
}


EXPECTED = {"mt940": MT940}


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
