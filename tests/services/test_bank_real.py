"""End to end on real bank files from ../shared/data/bank_statements (skipped when absent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.io.bank import parse_bank_file
from desktop_ar.services import bank_statements as bank
from desktop_ar.services.check import check_book
from tests.services import bank_files
from tests.services.bank_files import query

demo_template = bank_files.demo_template
demo = bank_files.demo

FILES = [
    "csv/deb-sig-deg__icbc_debit-v2__icbc-debit-v2-records.csv",
    "mt940/wolph-mt940__citi__mt940.txt",
    "camt/ofxstatement-iso20022__davider80.xml",
    "ofx/asgrim-ofxparser__ofxdata-bb-two-stmtrs.ofx",
    "xls_xlsx/deb-sig-deg__spdb_debit__spdb_debit-records.xls",
]


@pytest.mark.parametrize("name", FILES)
def test_real_file_imported_explained_closed_and_not_imported_twice(
    demo: Any, shared_data: Path, name: str
) -> None:
    path = shared_data / "bank_statements" / name
    parsed = parse_bank_file(path)
    found = bank.import_bank_file(demo, path)
    assert [(s.account, s.currency, s.lines_count) for s in found] == [
        (p.account or "", p.currency, len(p.lines)) for p in parsed
    ]
    for summary in found:
        assert summary.duplicate_of_id is None and summary.open_lines == summary.lines_count
        suggestions = bank.suggest(demo, summary.id)
        lines = bank.statement_lines(demo, summary.id)
        assert set(suggestions) == {ln.id for ln in lines}
        for ln in lines:
            if ln.amount.minor > 0:
                bank.create_exception(demo, ln.id, "payer unknown in the demo book")
            else:
                bank.ignore_line(demo, ln.id, "money out")
        bank.close_statement(demo, summary.id)
        assert bank.get_statement(demo, summary.id).status == "closed"
    again = bank.import_bank_file(demo, path)
    assert [s.duplicate_of_id for s in again] == [s.id for s in found]
    assert all(s.open_lines == 0 for s in again)
    assert check_book(demo).ok


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("camt/genkgo-camt__camt054.v8.xml", "camt.054"),
        ("camt/genkgo-camt__camt052.v2.xml", "camt.052"),
        ("mt940/wolph-mt940__mBank__mt942.sta", "MT942"),
        ("ofx/ofxparse__error_message.ofx", "error"),
        ("ofx/ofxparse__vanguard.ofx", "investment"),
    ],
)
def test_real_unsupported_files_are_refused(
    ctx: Any, shared_data: Path, name: str, message: str
) -> None:
    with pytest.raises(UserFacingError, match=message):
        bank.import_bank_file(ctx, shared_data / "bank_statements" / name)
    assert query(ctx, "SELECT count(*) FROM bank_statements") == [(0,)]


def test_real_statement_that_does_not_add_up_is_flagged(ctx: Any, shared_data: Path) -> None:
    path = shared_data / "bank_statements" / "mt940" / "wolph-mt940__jejik__triodos.sta"
    (summary,) = bank.import_bank_file(ctx, path)
    assert "do not add up" in summary.balance_problem
