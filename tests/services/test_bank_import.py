"""Importing bank files: every format, flags (balances, duplicates), templates, all or nothing."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.errors import Cancelled, PermissionDenied, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.bank import guess_bank_table
from desktop_ar.services import bank_statements as bank
from desktop_ar.services.progress import CallbackProgress
from tests.services.bank_files import (
    MT940,
    OFX,
    Row,
    camt,
    csv_statement,
    query,
    write,
    xlsx_statement,
)
from tests.services.helpers import audit_count

ROWS = [
    Row(date(2026, 6, 3), "1200.00", "上海甲贸易有限公司", "INV-1043", "31001234"),
    Row(date(2026, 6, 5), "-5.50", "", "手续费"),
    Row(date(2026, 6, 9), "300.00", "北京乙公司", "货款"),
]


def counts(ctx: Any) -> tuple[int, int, int]:
    (row,) = query(
        ctx,
        "SELECT (SELECT count(*) FROM bank_statements), (SELECT count(*) FROM bank_lines),"
        " (SELECT count(*) FROM bank_matches)",
    )
    return tuple(row)  # type: ignore[return-value]


def test_csv_statement_is_imported_with_its_lines_and_audited(ctx: Any, tmp_path: Path) -> None:
    path = csv_statement(tmp_path / "icbc.csv", ROWS)
    (summary,) = bank.import_bank_file(ctx, path)
    assert summary.id > 0 and summary.format == "csv" and summary.file_name == "icbc.csv"
    assert (summary.account, summary.currency) == ("6222000011112222", "CNY")
    assert (summary.period_start, summary.period_end) == (date(2026, 6, 1), date(2026, 6, 30))
    assert summary.opening == Money.of("1000.00", "CNY")
    assert summary.closing == Money.of("2494.50", "CNY")
    assert (summary.lines_count, summary.open_lines, summary.matched_lines) == (3, 3, 0)
    assert summary.balance_problem == "" and summary.duplicate_of_id is None
    assert summary.status == "open" and summary.imported_by == "tester"
    assert bank.get_statement(ctx, summary.id) == summary
    assert [s.id for s in bank.list_statements(ctx)] == [summary.id]
    lines = bank.statement_lines(ctx, summary.id)
    assert [ln.amount.minor for ln in lines] == [120000, -550, 30000]
    first = lines[0]
    assert (first.seq, first.booking_date, first.status) == (1, date(2026, 6, 3), "open")
    assert first.counterparty_name == "上海甲贸易有限公司"
    assert first.counterparty_account == "31001234"
    assert "INV-1043" in first.memo and first.matches == []
    assert audit_count(ctx, "import_bank_statement") == 1
    fingerprints = query(ctx, "SELECT DISTINCT length(fingerprint) FROM bank_lines")
    assert fingerprints == [(64,)]


@pytest.mark.parametrize(
    ("name", "content", "fmt", "expect"),
    [
        ("s.ofx", OFX, "ofx", [("6222 01", "CNY", 2, 123450)]),
        (
            "s.sta",
            MT940,
            "mt940",
            [("NL81ASNB9999999999", "EUR", 1, -6500), ("NL81ASNB9999999999", "EUR", 1, 100000)],
        ),
        ("s.xml", camt(), "camt053", [("DE89370400440532013000", "EUR", 1, 30000)]),
    ],
)
def test_ofx_mt940_and_camt053(
    ctx: Any, tmp_path: Path, name: str, content: str, fmt: str, expect: list[Any]
) -> None:
    found = bank.import_bank_file(ctx, write(tmp_path / name, content), format=fmt)
    got = []
    for summary in found:
        first = bank.statement_lines(ctx, summary.id)[0]
        got.append((summary.account, summary.currency, summary.lines_count, first.amount.minor))
        assert summary.format == fmt and summary.format_detail
    assert got == expect
    assert audit_count(ctx, "import_bank_statement") == len(expect)


def test_camt_end_to_end_id_is_the_reference(ctx: Any, tmp_path: Path) -> None:
    (summary,) = bank.import_bank_file(ctx, write(tmp_path / "c.xml", camt()))
    (line,) = bank.statement_lines(ctx, summary.id)
    assert (line.reference, line.counterparty_name) == ("E2E-1", "Beta GmbH")
    assert line.value_date == date(2026, 6, 16)


def test_excel_statement(ctx: Any, tmp_path: Path) -> None:
    (summary,) = bank.import_bank_file(ctx, xlsx_statement(tmp_path / "ccb.xlsx", ROWS))
    assert (summary.format, summary.account, summary.lines_count) == ("xlsx", "6217000000000001", 3)
    assert summary.opening == Money.of("500.00", "CNY")
    assert summary.closing == Money.of("1994.50", "CNY")


def test_lines_that_do_not_add_up_are_flagged_not_refused(ctx: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "off.xml", camt(closing="450"))
    (summary,) = bank.import_bank_file(ctx, path)
    assert "do not add up" in summary.balance_problem and "off by 50" in summary.balance_problem
    assert counts(ctx) == (1, 1, 0)
    assert bank.get_statement(ctx, summary.id).balance_problem == summary.balance_problem


def test_same_file_twice_is_flagged_and_its_lines_are_not_reconciled_again(
    ctx: Any, tmp_path: Path
) -> None:
    path = csv_statement(tmp_path / "a.csv", ROWS)
    (first,) = bank.import_bank_file(ctx, path)
    (again,) = bank.import_bank_file(ctx, path)
    assert again.duplicate_of_id == first.id
    assert any("the same file as statement" in n for n in again.notes)
    assert again.open_lines == 0
    lines = bank.statement_lines(ctx, again.id)
    assert {ln.status for ln in lines} == {"ignored"}
    assert lines[1].explanation == f"Already imported: statement {first.id}, line 2"
    assert bank.suggest(ctx, again.id) == {}
    # The user may disagree: undo reopens the line.
    bank.undo_match(ctx, lines[0].id)
    assert bank.statement_lines(ctx, again.id)[0].status == "open"


def test_same_account_period_and_closing_balance_is_a_duplicate(ctx: Any, tmp_path: Path) -> None:
    (first,) = bank.import_bank_file(ctx, write(tmp_path / "a.xml", camt()))
    # The same statement exported again: other bytes (memo), same account/period/closing.
    other = camt().replace("Invoice INV-7", "Invoice INV-7 (copy)")
    (again,) = bank.import_bank_file(ctx, write(tmp_path / "b.xml", other))
    assert again.duplicate_of_id == first.id
    assert any("same account, period and closing balance" in n for n in again.notes)
    assert again.open_lines == 1  # the memo differs: not the same line


def test_overlapping_export_flags_the_lines_already_imported(ctx: Any, tmp_path: Path) -> None:
    (first,) = bank.import_bank_file(ctx, csv_statement(tmp_path / "a.csv", ROWS[:2]))
    later = [*ROWS, Row(date(2026, 6, 20), "50.00", "丙公司", "INV-9")]
    (second,) = bank.import_bank_file(
        ctx, csv_statement(tmp_path / "b.csv", later, opening="1000.00")
    )
    assert second.duplicate_of_id is None  # two of four lines: not most of them
    statuses = [ln.status for ln in bank.statement_lines(ctx, second.id)]
    assert statuses == ["ignored", "ignored", "open", "open"]
    assert any("2 of 4 lines were imported before" in n for n in second.notes)
    # Most lines repeated: the statement itself is flagged.
    (third,) = bank.import_bank_file(
        ctx, csv_statement(tmp_path / "c.csv", ROWS[:2] + ROWS[2:], opening="1000.00")
    )
    assert third.duplicate_of_id is not None and third.open_lines == 0
    assert first.id != second.id != third.id


def test_fingerprint_ignores_case_width_and_spacing() -> None:
    from desktop_ar.io.bank import BankLine

    def line(memo: str, ref: str) -> BankLine:
        return BankLine(date(2026, 6, 1), None, Money(100, "CNY"), reference=ref, memo=memo)

    a = bank.line_fingerprint("6222 0001", line("货款  INV-1043", "ref 1"))
    b = bank.line_fingerprint("62220001", line("货款 ＩＮＶ－１０４３", "REF1"))
    assert a == b and len(a) == 64
    assert a != bank.line_fingerprint("62220001", line("货款 INV-1044", "REF1"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("n.xml", camt("054.001.08"), "camt.054"),
        ("e.csv", "", "empty"),
        ("p.pdf", "%PDF-1.4 a statement", "PDF"),
        ("bad.sta", ":20:X\n:25:NL1\n:28C:1\n:60F:C260601EUR1,00\n:61:BROKEN\n-", "not readable"),
    ],
)
def test_broken_or_unsupported_file_writes_nothing(
    ctx: Any, tmp_path: Path, name: str, content: str, message: str
) -> None:
    with pytest.raises(UserFacingError, match=message):
        bank.import_bank_file(ctx, write(tmp_path / name, content))
    assert counts(ctx) == (0, 0, 0)
    assert audit_count(ctx, "import_bank_statement") == 0


def test_missing_file_and_wrong_format(ctx: Any, tmp_path: Path) -> None:
    with pytest.raises(UserFacingError) as missing:
        bank.import_bank_file(ctx, tmp_path / "nope.sta")
    assert missing.value.code == "file_missing"
    with pytest.raises(UserFacingError, match="not ofx"):
        bank.import_bank_file(ctx, write(tmp_path / "s.xml", camt()), format="ofx")
    assert counts(ctx) == (0, 0, 0)


def test_cancel_writes_nothing(ctx: Any, tmp_path: Path) -> None:
    progress = CallbackProgress()
    progress.cancel()
    with pytest.raises(Cancelled):
        bank.import_bank_file(ctx, csv_statement(tmp_path / "a.csv", ROWS), progress=progress)
    assert counts(ctx) == (0, 0, 0)


def test_progress_is_reported(ctx: Any, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    progress = CallbackProgress(lambda done, total, _text: seen.append((done, total)))
    bank.import_bank_file(ctx, csv_statement(tmp_path / "a.csv", ROWS), progress=progress)
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_read_only_role_may_not_import(ctx: Any, tmp_path: Path) -> None:
    viewer = dataclasses.replace(ctx, role="read_only")
    with pytest.raises(PermissionDenied):
        bank.import_bank_file(viewer, csv_statement(tmp_path / "a.csv", ROWS))
    assert counts(ctx) == (0, 0, 0)


def test_preview_writes_nothing_and_shows_the_flags(ctx: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "off.xml", camt(closing="399.99"))
    (preview,) = bank.preview_bank_file(ctx, path)
    assert preview.id == 0 and preview.imported_at is None and preview.lines_count == 1
    assert "off by -0.01" in preview.balance_problem
    assert counts(ctx) == (0, 0, 0)
    (imported,) = bank.import_bank_file(ctx, path)
    (again,) = bank.preview_bank_file(ctx, path)
    assert again.duplicate_of_id == imported.id and again.open_lines == 0


HEADERLESS = "03/06/2026;Shanghai Jia Trading;1.200,00;INV-1043\n05/06/2026;Bank;-5,50;fee\n"


def test_bank_template_maps_the_columns(ctx: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "odd.csv", "日期;户名;发生额;用途\n" + HEADERLESS)
    guess = guess_bank_table(path)
    mapping = dataclasses.replace(
        guess.mapping,
        columns={"date": 0, "counterparty_name": 1, "amount": 2},
        memo_columns=[3],
    )
    template_id = bank.save_bank_template(ctx, "My  bank", mapping, guess.headers, header_row=1)
    (info,) = bank.list_bank_templates(ctx)
    assert (info.id, info.name, info.header_row) == (template_id, "My bank", 1)
    assert bank.load_bank_template(ctx, "My bank").mapping.to_dict() == mapping.to_dict()
    (summary,) = bank.import_bank_file(ctx, path, template="My bank", currency="EUR")
    lines = bank.statement_lines(ctx, summary.id)
    assert [ln.amount for ln in lines] == [Money.of("1200", "EUR"), Money.of("-5.50", "EUR")]
    assert lines[0].memo == "INV-1043" and lines[0].counterparty_name == "Shanghai Jia Trading"
    with pytest.raises(UserFacingError, match="only for CSV or Excel"):
        bank.import_bank_file(ctx, write(tmp_path / "s.xml", camt()), template="My bank")
    with pytest.raises(UserFacingError) as unknown:
        bank.import_bank_file(ctx, path, template="Other bank")
    assert unknown.value.code == "not_found"


def test_bank_template_needs_a_date_and_an_amount(ctx: Any) -> None:
    from desktop_ar.io.bank import BankMapping

    with pytest.raises(UserFacingError, match="date column"):
        bank.save_bank_template(ctx, "x", BankMapping({"date": 0}), ["a"])
    with pytest.raises(UserFacingError, match="enter a name"):
        bank.save_bank_template(ctx, "  ", BankMapping({"date": 0, "amount": 1}), ["a", "b"])
    viewer = dataclasses.replace(ctx, role="read_only")
    with pytest.raises(PermissionDenied):
        bank.save_bank_template(viewer, "x", BankMapping({"date": 0, "amount": 1}), ["a", "b"])
    assert bank.list_bank_templates(ctx) == []
