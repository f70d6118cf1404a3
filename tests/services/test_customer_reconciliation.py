"""Customer reconciliation against the customer's own ledger, on a demo book (real SQLite)."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.domain.errors import PermissionDenied, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.customer_reconciliation import (
    ReconciliationView,
    close_reconciliation,
    get_reconciliation,
    item_to_credit_note,
    item_to_dispute,
    item_to_payment,
    list_reconciliations,
    preview_customer_ledger,
    reconcile_customer,
    resolve_item,
)
from desktop_ar.services.statements import statement_of_account
from tests.services.helpers import audit_count, row, scalar
from tests.services.ledger_files import AS_OF, PERIOD, Their, changed, mirror, write_ledger


@pytest.fixture(scope="session")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo book (10 customers, 200 invoices, as of 2026-06-30), seeded once."""
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock
    from desktop_ar.services.demo import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(template_db, path)
    ctx = open_book(path, user="tester", clock=FixedClock(AS_OF))
    seed_demo(ctx, customers=10, invoices=200, seed=3, as_of=AS_OF)
    with ctx.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.engine.dispose()
    return path


@pytest.fixture
def book(demo_db: Path, tmp_path: Path) -> Iterator[Any]:
    """A fresh copy of the demo book, clock at 2026-06-30, role admin."""
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock

    path = tmp_path / "book.db"
    shutil.copyfile(demo_db, path)
    ctx = open_book(path, user="tester", clock=FixedClock(AS_OF))
    yield ctx
    ctx.engine.dispose()


def busiest(ctx: Any) -> tuple[int, Any]:
    """The customer with the most statement lines in the period, and that section."""
    ids = [r[0] for r in _all(ctx, "SELECT id FROM customers ORDER BY id")]
    best = None
    for cid in ids:
        section = statement_of_account(ctx, cid, *PERIOD).sections[0]
        if best is None or len(section.lines) > len(best[1].lines):
            best = (cid, section)
    assert best is not None and len(best[1].lines) >= 8
    return best


def _all(ctx: Any, sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import text

    from desktop_ar.services.uow import reader

    with reader(ctx) as s:
        return list(s.execute(text(sql), params).all())


@dataclasses.dataclass
class Scenario:
    customer_id: int
    path: Path
    our_closing: Money
    removed: Their  # an invoice of ours missing on their side
    changed: Their  # an invoice they booked 12.34 short
    in_transit: Their  # their payment two days before the end, not received by us
    only_theirs: Their  # a rebate they deducted, unknown to us


def scenario(ctx: Any, folder: Path, **write: Any) -> Scenario:
    cid, section = busiest(ctx)
    lines = mirror(section)
    old = [i for i, x in enumerate(lines) if x.amount > 0 and x.on < AS_OF - timedelta(days=20)]
    removed, short = lines[old[0]], lines[old[1]]
    lines = changed(lines, old[1], amount=short.amount - Decimal("12.34"))
    del lines[old[0]]
    transit = Their(AS_OF - timedelta(days=2), "记-88", "电汇付款", Decimal("-600.00"))
    rebate = Their(date(2026, 3, 15), "记-31", "年度返利 rebate", Decimal("-88.88"))
    lines += [transit, rebate]
    path = write_ledger(folder / "their_ledger.xlsx", section.opening.to_decimal(), lines, **write)
    return Scenario(cid, path, section.closing, removed, short, transit, rebate)


def by_result(view: ReconciliationView, result: str) -> list[Any]:
    return [i for i in view.items if i.result == result]


def test_every_deliberate_difference_is_found_and_explains_the_closing(
    book: Any, tmp_path: Path
) -> None:
    sc = scenario(book, tmp_path)
    view = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, date_from=PERIOD[0])
    assert view.their_side == "payable"
    assert view.our_closing == sc.our_closing
    (only_ours,) = by_result(view, "only_ours")
    assert (only_ours.our_number, only_ours.our_type) == (sc.removed.number, "invoice")
    assert only_ours.difference.to_decimal() == sc.removed.amount
    (short,) = by_result(view, "amount_difference")
    assert short.our_number == short.their_number == sc.changed.number
    assert short.difference == Money.of("12.34", "CNY")
    (transit,) = by_result(view, "timing")
    assert (transit.their_number, transit.their_amount) == ("记-88", Money.of("-600", "CNY"))
    assert transit.difference == Money.of("600", "CNY")
    (theirs,) = by_result(view, "only_theirs")
    assert theirs.their_description == "年度返利 rebate" and theirs.their_row is not None
    expected = sc.removed.amount + Decimal("12.34") + Decimal("600") + Decimal("88.88")
    assert view.difference.to_decimal() == expected
    assert view.explained == view.difference and view.unexplained.minor == 0
    assert view.their_closing == view.our_closing - view.difference
    assert view.counts["unresolved"] == 4
    assert all(i.resolved for i in by_result(view, "matched"))
    assert audit_count(book, "reconcile_customer") == 1
    assert get_reconciliation(book, view.id) == view


def test_actions_create_the_records_and_closing_needs_every_item_resolved(
    book: Any, tmp_path: Path
) -> None:
    sc = scenario(book, tmp_path)
    view = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, date_from=PERIOD[0])
    item = {i.result: i for i in view.items if i.result != "matched"}
    with pytest.raises(UserFacingError, match="4 differences are not resolved"):
        close_reconciliation(book, view.id)

    changes = item_to_credit_note(book, item["amount_difference"].id, "price agreed 12.34 lower")
    note = row(book, "SELECT number, amount_minor, invoice_id, reason FROM credit_notes "
               "ORDER BY id DESC LIMIT 1")  # fmt: skip
    invoice_id = scalar(book, "SELECT id FROM invoices WHERE number = :n", n=sc.changed.number)
    assert (note[1], note[2], note[3]) == (1234, invoice_id, "price agreed 12.34 lower")
    assert changes.credit_notes and sc.customer_id in changes.customers

    changes = item_to_payment(book, item["timing"].id)
    paid = row(book, "SELECT number, amount_minor, payment_date, customer_id, reference FROM "
               "payments ORDER BY id DESC LIMIT 1")  # fmt: skip
    assert paid[1:4] == (60000, str(AS_OF - timedelta(days=2)), sc.customer_id)
    assert paid[4] == "记-88 电汇付款" and changes.payments

    item_to_dispute(book, item["only_ours"].id, "goods never arrived")
    disputed = row(book, "SELECT d.reason, i.number, i.disputed FROM disputes d JOIN invoices i "
                   "ON i.id = d.invoice_id ORDER BY d.id DESC LIMIT 1")  # fmt: skip
    assert tuple(disputed) == ("goods never arrived", sc.removed.number, 1)

    with pytest.raises(UserFacingError, match="1 difference is not resolved"):
        close_reconciliation(book, view.id)
    resolve_item(book, item["only_theirs"].id, "rebate agreed for 2027; they will reverse it")
    after = get_reconciliation(book, view.id)
    actions = {i.result: (i.action, i.action_ref) for i in after.items if i.result != "matched"}
    assert actions == {
        "amount_difference": ("credit_note", note[0]),
        "timing": ("payment", paid[0]),
        "only_ours": ("dispute", actions["only_ours"][1]),
        "only_theirs": ("note", ""),
    }
    assert audit_count(book, "resolve_reconciliation_item") == 4
    close_reconciliation(book, view.id)
    assert get_reconciliation(book, view.id).status == "closed"
    assert audit_count(book, "close_customer_reconciliation") == 1
    with pytest.raises(UserFacingError, match="closed"):
        resolve_item(book, item["only_theirs"].id, "again")
    with pytest.raises(UserFacingError, match="already closed"):
        close_reconciliation(book, view.id)


def test_actions_refuse_what_does_not_fit(book: Any, tmp_path: Path) -> None:
    sc = scenario(book, tmp_path)
    view = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, date_from=PERIOD[0])
    item = {i.result: i for i in view.items if i.result != "matched"}
    matched = by_result(view, "matched")[0]
    with pytest.raises(UserFacingError, match="already resolved"):
        resolve_item(book, matched.id, "x")
    with pytest.raises(UserFacingError, match="note"):
        resolve_item(book, item["only_theirs"].id, "  ")
    with pytest.raises(UserFacingError, match="not a payment"):
        item_to_payment(book, item["only_ours"].id)
    with pytest.raises(UserFacingError, match="needs one of our invoices"):
        item_to_dispute(book, item["only_theirs"].id, "why")
    assert audit_count(book, "resolve_reconciliation_item") == 0


def test_read_only_role_may_not_reconcile_and_nothing_is_written(book: Any, tmp_path: Path) -> None:
    sc = scenario(book, tmp_path)
    viewer = dataclasses.replace(book, role="read_only")
    with pytest.raises(PermissionDenied):
        reconcile_customer(viewer, sc.customer_id, sc.path, date_to=AS_OF)
    assert scalar(book, "SELECT count(*) FROM customer_reconciliations") == 0
    view = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, date_from=PERIOD[0])
    item = next(i for i in view.items if not i.resolved)
    for call in (
        lambda: resolve_item(viewer, item.id, "note"),
        lambda: item_to_credit_note(viewer, item.id, "r"),
        lambda: item_to_payment(viewer, item.id),
        lambda: item_to_dispute(viewer, item.id, "r"),
        lambda: close_reconciliation(viewer, view.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert get_reconciliation(viewer, view.id).counts["unresolved"] == 4
    bookkeeper = dataclasses.replace(book, role="bookkeeper")
    resolve_item(bookkeeper, item.id, "checked by phone")


def test_their_side_is_decided_from_the_lines_or_forced(book: Any, tmp_path: Path) -> None:
    sc = scenario(book, tmp_path, side="receivable")
    view = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, date_from=PERIOD[0])
    assert view.their_side == "receivable"
    assert any("chosen automatically" in n for n in view.notes)
    assert view.unexplained.minor == 0 and len(by_result(view, "only_ours")) == 1
    forced = reconcile_customer(
        book, sc.customer_id, sc.path, date_to=AS_OF, date_from=PERIOD[0], their_side="payable"
    )
    assert forced.their_side == "payable" and forced.counts["matched"] < view.counts["matched"]
    with pytest.raises(UserFacingError, match="their side"):
        reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, their_side="ours")
    with pytest.raises(UserFacingError, match="unknown currency"):
        reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, currency="XYZ")


def test_balance_column_without_direction_and_default_period(book: Any, tmp_path: Path) -> None:
    sc = scenario(book, tmp_path, directions=False)
    view = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF)
    assert view.date_from == PERIOD[0]  # their first date
    assert view.unexplained.minor == 0 and view.counts["amount_difference"] == 1


def test_their_stated_balance_that_disagrees_is_unexplained_and_blocks_closing(
    book: Any, tmp_path: Path
) -> None:
    import openpyxl

    sc = scenario(book, tmp_path)
    wb = openpyxl.load_workbook(sc.path)
    ws = wb.active
    last = max(r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 7).value, int | float))
    ws.cell(last, 7).value = ws.cell(last, 7).value + 5
    wb.save(sc.path)
    view = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF, date_from=PERIOD[0])
    assert view.unexplained == Money.of("-5", "CNY")
    for i in view.items:
        if not i.resolved:
            resolve_item(book, i.id, "ok")
    with pytest.raises(UserFacingError, match="not explained"):
        close_reconciliation(book, view.id)


def test_unreadable_cells_are_listed_in_the_preview_and_refused(book: Any, tmp_path: Path) -> None:
    import openpyxl

    sc = scenario(book, tmp_path)
    wb = openpyxl.load_workbook(sc.path)
    wb.active.cell(7, 1).value = "2026-13-45"
    wb.active.cell(8, 4).value = "12,34,5元"
    wb.save(sc.path)
    preview = preview_customer_ledger(book, sc.path, customer_id=sc.customer_id, date_to=AS_OF)
    headers, mapping, lines, problems, notes = preview
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("明细账", 7, "A"),
        ("明细账", 8, "D"),
    ]
    assert headers[0] == "日期" and mapping is not None and mapping.columns["debit"] == 3
    assert lines and any("payable" in n for n in notes)
    with pytest.raises(UserFacingError, match="2 cells cannot be read"):
        reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF)
    assert scalar(book, "SELECT count(*) FROM customer_reconciliations") == 0


def test_preview_without_a_customer_reads_payable_and_writes_nothing(
    book: Any, tmp_path: Path
) -> None:
    sc = scenario(book, tmp_path)
    before = audit_count(book)
    preview = preview_customer_ledger(book, sc.path)
    assert preview.their_side == "payable" and preview.header_row == 4
    assert preview.lines[0].opening and preview.lines[0].row == 5
    assert preview.their_closing == sc.our_closing - Money.of(
        str(sc.removed.amount + Decimal("12.34") + Decimal("688.88")), "CNY"
    )
    assert audit_count(book) == before


def test_list_reconciliations(book: Any, tmp_path: Path) -> None:
    sc = scenario(book, tmp_path)
    first = reconcile_customer(book, sc.customer_id, sc.path, date_to=date(2026, 5, 31))
    second = reconcile_customer(book, sc.customer_id, sc.path, date_to=AS_OF)
    listed = list_reconciliations(book, sc.customer_id)
    assert [v.id for v in listed] == [second.id, first.id]
    assert listed[0].items == [] and listed[0].counts == second.counts
    assert list_reconciliations(book, sc.customer_id + 999) == []
    # Their lines after 2026-05-31 are left out unless they pair.
    assert any("left out" in n for n in first.notes)


def test_real_files_read_without_surprises(ctx: Any, shared_data: Path) -> None:
    """Every sample spreadsheet reads as a ledger or fails with a clear message, never a crash."""
    from desktop_ar.domain.errors import DomainError

    files = [
        p
        for folder in ("excel_quirks", "bank_statements", "invoices_ar")
        for p in sorted((shared_data / folder).rglob("*"))
        if p.suffix.lower() in {".xlsx", ".xls", ".csv", ".txt", ".ods"}
    ]
    assert files
    read = 0
    for path in files:
        try:
            preview = preview_customer_ledger(ctx, path)
        except DomainError as exc:
            assert exc.message, path
            continue
        read += 1
        assert all(p.row >= 0 and p.sheet == preview.sheet for p in preview.problems), path
        assert all(line.amount.currency == "CNY" for line in preview.lines), path
    assert read >= len(files) // 2
