"""Every real CSV and Excel bank export in ../shared/data/bank_statements: its expected outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.io.bank.expect import Expect, check, files, ok, refused

CSV: dict[str, Expect] = {
    "deb-sig-deg__abc_debit__abc_debit-records.csv": ok(
        (5,), "CNY", None, None, off=(), spot=(0, 0, "2024-01-01", "10000.00", "哈哈")
    ),
    "deb-sig-deg__alipay__alipay-records.csv": ok(
        (5,), "CNY", None, None, off=(), spot=(0, 0, "2023-02-12", "-49.74", "xxxxxxxxxxxx")
    ),
    "deb-sig-deg__bmo_credit__bmo-records.csv": ok(
        (3,),
        "CAD",
        None,
        None,
        off=(),
        spot=(0, 0, "2023-05-12", "3.27", "COSTCO WHOLESALE W54 SURREY BC"),
        currency_param="CAD",
    ),
    "deb-sig-deg__bmo_debit__bmo-records.csv": ok(
        (4,),
        "CAD",
        None,
        None,
        off=(),
        spot=(0, 0, "2023-05-01", "0.01", "[DN]ACFS MSP/DIV"),
        currency_param="CAD",
    ),
    "deb-sig-deg__boc_credit__boc-records.csv": ok(
        (13, 1),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2024-12-14", "-50.00", "上海公共交通卡股份有限CHN"),
    ),
    "deb-sig-deg__boc_debit__boc-records.csv": ok(
        (17,), "CNY", "2813.58", "3240.28", off=(), spot=(0, 0, "2025-08-01", "1000.00", "张三")
    ),
    "deb-sig-deg__bocom_credit__bocom_credit-records.csv": ok(
        (8,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2025-01-10", "123.18", "退货 支付宝-滴滴顺风车"),
    ),
    "deb-sig-deg__bocom_debit__bocom_debit-records.csv": ok(
        (6,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2025-01-01", "1.23", "应付个人活期储蓄存款利息"),
    ),
    "deb-sig-deg__cgb_credit__cgb_credit-records.csv": ok(
        (4,), "CNY", None, None, off=(), spot=(0, 0, "2025-01-06", "15.90", "（消费）示例商户A")
    ),
    "deb-sig-deg__cmb_credit__cmb-records.csv": ok(
        (6,), "CNY", None, None, off=(), spot=(0, 0, "2023-12-29", "-1.23", "掌上生活还款")
    ),
    "deb-sig-deg__cmb_debit__cmb-records.csv": ok(
        (5,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2024-01-01", "1234.00", "北京住房公积金管理中心1111111111"),
    ),
    "deb-sig-deg__hsbchk_credit__hsbchk-credit-records.csv": ok(
        (10, 1),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2025-04-10", "-1099.14", "UNIONPAY MERCHANT"),
    ),
    "deb-sig-deg__hsbchk_debit__hsbchk-debit-records.csv": ok(
        (9, 1),
        "HKD",
        "10555.88",
        "3612.17",
        off=(0,),
        spot=(0, 0, "2025-03-01", "5.45", "INTEREST CREDIT"),
    ),
    "deb-sig-deg__icbc_credit__icbc-credit-records.csv": ok(
        (9,), "CNY", None, None, off=(), spot=(0, 0, "2023-04-22", "-0.01", "银联在线支付 XX旗舰店")
    ),
    "deb-sig-deg__icbc_debit-v1__icbc-debit-v1-records.csv": ok(
        (11,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2023-05-02", "-13.40", "深圳市财付通支付科技有限公司"),
    ),
    "deb-sig-deg__icbc_debit-v2__icbc-debit-v2-records.csv": ok(
        (11,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2023-05-02", "-13.40", "深圳市财付通支付科技有限公司"),
    ),
    "deb-sig-deg__td__td-records.csv": ok(
        (9,),
        "CAD",
        "0.00",
        "13.04",
        off=(0,),
        spot=(0, 0, "2023-05-03", "332.22", "DEVELOPM MSP"),
        currency_param="CAD",
    ),
    "deb-sig-deg__wechat__wechat-records.csv": ok(
        (16,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2019-09-26", "-28.16", "云膳过桥米线(传奇广场店)"),
    ),
    "ofxstatement-austrian__easybank-creditcard.csv": ok(
        (3,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2013-07-02", "-5.99", "Some vendor/info|1234567890987"),
    ),
    "ofxstatement-austrian__easybank-giro.csv": ok(
        (10,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2014-01-01", "-0.42", "Einbehaltene KESt BG/000000001"),
    ),
    "ofxstatement-austrian__ing-diba.csv": ok(
        (6,), "EUR", None, None, off=(), spot=(0, 0, "2013-12-31", "12.23", "Habenzinsen")
    ),
    "ofxstatement-austrian__livebank.csv": ok(
        (6,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2013-07-03", "150.00", "Datenträger-Umsatz A name A te"),
    ),
    "ofxstatement-austrian__oberbank.csv": ok(
        (5,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2017-03-15", "-11.00", "Zahlungsreferenz, Empfängernam"),
    ),
    "ofxstatement-austrian__raiffeisen.csv": ok(
        (7,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2013-06-28", "0.58", "0,125 % p.a. Habenzinsen ab 01"),
    ),
    "ofxstatement-dutch__Knab_transactieoverzicht_no_lines.csv": refused(
        "the file has no transaction lines"
    ),
    "ofxstatement-dutch__Knab_transactieoverzicht_ok.csv": ok(
        (28,), "EUR", None, None, off=(), spot=(0, 0, "2019-06-21", "-827.75", "Gert Janssen (FR)")
    ),
    "ofxstatement-dutch__ing_fail.csv": ok(
        (1, 1),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2020-02-13", "-1.25", "Kosten OranjePakket met korting"),
    ),
    "ofxstatement-dutch__ing_ok.csv": ok(
        (6,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2020-02-13", "-1.25", "Kosten OranjePakket met korting"),
    ),
    "ofxstatement-dutch__ing_ok_Mutatiesoort_Extra.csv": ok(
        (6,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2020-02-13", "-1.25", "Kosten OranjePakket met korting"),
    ),
    "ofxstatement-dutch__ing_ok_Mutatiesoort_Extra_Unquoted.csv": ok(
        (6,),
        "EUR",
        None,
        None,
        off=(),
        spot=(0, 0, "2020-02-13", "-1.25", "Kosten OranjePakket met korting"),
    ),
    "ofxstatement-dutch__transactie-historie_NL00ASNB9999999999_20220717204133.csv": ok(
        (11,),
        "EUR",
        "130.44",
        "84.24",
        off=(),
        spot=(0, 0, "2022-06-17", "223.77", "XXXXXXXXX Z Z Z Z"),
    ),
    "ofxstatement-dutch__transactie-historie_fail.csv": ok(
        (11, 1),
        "EUR",
        "130.44",
        "644.24",
        off=(),
        spot=(0, 0, "2022-06-17", "223.77", "XXXXXXXXX Z Z Z Z"),
    ),
    "ofxstatement-russian__alfabank.csv": ok(
        (3,),
        "RUB",
        None,
        None,
        off=(),
        spot=(0, 0, "2017-05-31", "33123.56", "{VO11111} Перечисление ден. ср"),
    ),
    "ofxstatement-russian__sberbank.csv": ok(
        (11,),
        "RUB",
        None,
        None,
        off=(),
        spot=(0, 0, "2019-10-31", "-4320.40", "SBOL перевод 4276****1234 И. И"),
        currency_param="RUB",
    ),
    "ofxstatement-russian__sberbank_maestro.txt": refused(
        "this is a printed (fixed-width) bank report, not a CSV table"
    ),
    "ofxstatement-russian__sberbank_visa.txt": refused(
        "this is a printed (fixed-width) bank report, not a CSV table"
    ),
    "ofxstatement-russian__vtb.csv": ok(
        (4,),
        "RUB",
        None,
        "82604.01",
        off=(),
        spot=(0, 0, "2019-07-08", "-336.15", "Карта *1234 payee1"),
    ),
    "ofxstatement-russian__vtb_user_date.csv": ok(
        (1,),
        "RUB",
        None,
        "82604.01",
        off=(),
        spot=(0, 0, "2019-07-08", "-336.15", "Карта *1234 payee1"),
    ),
}

XLS_XLSX: dict[str, Expect] = {
    "deb-sig-deg__ccb__交易明细_xxxx_2025xxxx_2025xxxx.xls": ok(
        (6,),
        "CNY",
        "2243.91",
        "1494.65",
        off=(0,),
        spot=(0, 0, "2025-01-01", "-67.00", "中***融科技有限公司"),
    ),
    "deb-sig-deg__cib_debit__cib_debit-cny-records.xlsx": ok(
        (7,), "CNY", "0.00", "0.01", off=(0,), spot=(0, 0, "2024-01-01", "10.00", "示例用户")
    ),
    "deb-sig-deg__citic_credit__citic-records.xls": ok(
        (13,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2024-11-09", "5.90", "支付宝－北京嘀嘀无限科技发展有限公司"),
    ),
    "deb-sig-deg__spdb_debit__spdb_debit-records.xls": ok(
        (4,),
        "CNY",
        "1985.21",
        "1983.57",
        off=(),
        spot=(0, 0, "2025-12-03", "-3.88", "基金销售有限公司"),
    ),
    "deb-sig-deg__wechat__wechat-records.xlsx": ok(
        (16,),
        "CNY",
        None,
        None,
        off=(),
        spot=(0, 0, "2019-09-26", "-28.16", "云膳过桥米线(传奇广场店)"),
    ),
}


EXPECTED = {"csv": CSV, "xls_xlsx": XLS_XLSX}


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
