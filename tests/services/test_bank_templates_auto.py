"""Bank exports with columns the guess cannot read: the user's mapping, templates found again."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.io.bank import BankMapping
from desktop_ar.services import bank_statements as bank
from tests.services.bank_files import Row, csv_statement, query
from tests.services.bank_odd_files import ODD_HEADER, odd_csv, odd_mapping

ROWS_HEADER_CHECK = [Row(date(2026, 6, 3), "1200.00", "上海甲贸易有限公司", "INV-1043")]


def lines(ctx: Any) -> list[Any]:
    return query(ctx, "SELECT booking_date, amount_minor, memo FROM bank_lines ORDER BY id")


def test_preview_of_an_unguessable_file_shows_rows_and_the_problem(ctx: Any, tmp_path: Path):
    preview = bank.preview_bank_table(ctx, odd_csv(tmp_path / "a.csv"), currency="EUR")
    assert preview.is_table and preview.kind == "csv"
    assert preview.statements == [] and "no date and amount columns" in preview.problem
    assert preview.rows[3][0] == "Tag" and preview.template == ""
    with pytest.raises(UserFacingError):
        bank.import_bank_file(ctx, tmp_path / "a.csv", currency="EUR")


def test_preview_and_import_with_the_users_columns(ctx: Any, tmp_path: Path):
    path = odd_csv(tmp_path / "a.csv")
    preview = bank.preview_bank_table(ctx, path, header_row=4, mapping=odd_mapping())
    assert preview.problem == "" and preview.header_row == 4
    assert [str(h) for h in preview.headers] == ODD_HEADER.split(";")
    (st,) = preview.statements
    assert (st.id, st.lines_count, st.currency) == (0, 3, "EUR")
    assert (st.opening.minor, st.closing.minor, st.balance_problem) == (100000, 249450, "")
    (done,) = bank.import_bank_file(ctx, path, header_row=4, mapping=odd_mapping())
    assert done.id > 0 and done.lines_count == 3
    assert [row[1] for row in lines(ctx)] == [120000, -550, 30000]


def test_a_saved_template_is_used_for_a_file_with_the_same_headers(ctx: Any, tmp_path: Path):
    first = bank.preview_bank_table(ctx, odd_csv(tmp_path / "a.csv"), header_row=4,
                                    mapping=odd_mapping())  # fmt: skip
    bank.save_bank_template(ctx, "Musterbank", first.mapping, first.headers, first.header_row)
    second = odd_csv(tmp_path / "b.csv", shift=500)
    preview = bank.preview_bank_table(ctx, second)
    assert preview.template == "Musterbank" and preview.header_row == 4
    assert preview.mapping.to_dict() == odd_mapping().to_dict()
    note = "columns mapped with the saved template 'Musterbank'"
    assert note in preview.notes and note in preview.statements[0].notes
    (done,) = bank.import_bank_file(ctx, second)
    assert done.lines_count == 3 and note in done.notes
    assert done.opening.minor == 150000


def test_the_template_is_found_with_no_saved_header_row(ctx: Any, tmp_path: Path):
    path = odd_csv(tmp_path / "a.csv")
    headers = ODD_HEADER.split(";")
    bank.save_bank_template(ctx, "Musterbank", odd_mapping(), headers)  # header_row None
    (done,) = bank.import_bank_file(ctx, path)
    assert done.lines_count == 3


def test_a_template_of_other_headers_is_not_used(ctx: Any, tmp_path: Path):
    bank.save_bank_template(ctx, "Other", odd_mapping(), ["Tag", "Wert"], 1)
    preview = bank.preview_bank_table(ctx, odd_csv(tmp_path / "a.csv"))
    assert preview.template == "" and preview.problem


def test_a_guessable_file_keeps_its_guess_and_an_explicit_mapping_wins(ctx: Any, tmp_path: Path):
    path = csv_statement(tmp_path / "cn.csv", ROWS_HEADER_CHECK)
    preview = bank.preview_bank_table(ctx, path)
    assert preview.template == "" and preview.problem == "" and preview.header_row == 4
    assert preview.statements[0].lines_count == len(ROWS_HEADER_CHECK)
    wrong = BankMapping.from_dict({"date": 0, "amount": 4})  # the balance as the amount
    preview = bank.preview_bank_table(ctx, path, mapping=wrong)
    assert preview.mapping.to_dict() == {"date": 0, "amount": 4}


def test_mt940_has_no_columns(ctx: Any, tmp_path: Path):
    from tests.services.bank_files import MT940, write

    preview = bank.preview_bank_table(ctx, write(tmp_path / "a.sta", MT940))
    assert preview.kind == "mt940" and not preview.is_table and preview.statements
    with pytest.raises(UserFacingError):
        bank.import_bank_file(ctx, tmp_path / "a.sta", mapping=odd_mapping())


def test_read_only_may_preview_but_not_import(ctx: Any, tmp_path: Path):
    path = odd_csv(tmp_path / "a.csv")
    ro = dataclasses.replace(ctx, role="read_only")
    assert bank.preview_bank_table(ro, path, header_row=4, mapping=odd_mapping()).statements
    with pytest.raises(PermissionDenied):
        bank.import_bank_file(ro, path, header_row=4, mapping=odd_mapping())
    assert lines(ctx) == []
