"""The lazy table model on its own (no view): display, roles, laziness, stale refresh."""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from desktop_ar.domain.money import Money
from desktop_ar.services.lists import ListSpec, SortSpec
from desktop_ar.ui.models.lazy_table import NEGATIVE_COLOR, PLACEHOLDER, ColumnSpec, LazyTableModel
from desktop_ar.ui.models.roles import Role

AS_OF = date(2026, 6, 30)
DISPLAY = Qt.ItemDataRole.DisplayRole


@dataclass(frozen=True)
class FakeRow:
    id: int
    name: str
    amount: Money
    due: date
    days: int
    flag: bool
    status: str


class FakeSource:
    """A ListSource over n synthetic rows that counts every call."""

    name = "fake"
    sort_keys = ("name", "amount")
    statuses = ("all", "open")

    def __init__(self, n: int) -> None:
        self.n = n
        self.calls: list[tuple] = []
        self.fail_rows = False

    def _ids(self, spec: ListSpec, sort: SortSpec) -> list[int]:
        ids = [i for i in range(1, self.n + 1) if spec.text in f"row{i}"]
        if sort.key == "amount":
            ids.sort(key=self._minor)
        return ids[::-1] if sort.descending else ids

    @staticmethod
    def _minor(i: int) -> int:
        return ((i * 7919) % 100_000 - 20_000) * 37

    def count(self, ctx: object, spec: ListSpec) -> int:
        self.calls.append(("count", spec))
        return len(self._ids(spec, SortSpec("name")))

    def ids(self, ctx: object, spec: ListSpec, sort: SortSpec, offset: int = 0, limit=None):
        self.calls.append(("ids", sort, offset, limit))
        ids = self._ids(spec, sort)
        return array("q", ids[offset : None if limit is None else offset + limit])

    def first_page(self, ctx: object, spec: ListSpec, sort: SortSpec, limit: int):
        return self.count(ctx, spec), self.ids(ctx, spec, sort, 0, limit)

    def rows(self, ctx: object, ids, as_of: date) -> list[FakeRow]:
        self.calls.append(("rows", len(ids)))
        if self.fail_rows:
            raise RuntimeError("database is locked")
        start = date(2026, 1, 1)
        return [
            FakeRow(
                i, f"row{i}", Money(self._minor(i), "CNY"), start + timedelta(i % 300), i % 90,
                i % 2 == 0, "open",
            )
            for i in ids
        ]  # fmt: skip

    def count_of(self, kind: str) -> int:
        return sum(1 for c in self.calls if c[0] == kind)


COLUMNS = [
    ColumnSpec("name", "Name", "text", "name"),
    ColumnSpec("amount", "Amount", "money", "amount"),
    ColumnSpec("due", "Due", "date", None),
    ColumnSpec("days", "Days", "int", None),
    ColumnSpec("flag", "Flag", "bool", None),
    ColumnSpec("status", "Status", "status", None),
    ColumnSpec("amount.currency", "Ccy", "text", None),
]


def make(n: int = 10_000) -> tuple[LazyTableModel, FakeSource]:
    source = FakeSource(n)
    model = LazyTableModel(object(), source, COLUMNS, as_of=AS_OF)  # type: ignore[arg-type]
    model.set_query()
    return model, source


def cell(model: LazyTableModel, row: int, col: int, role: int = DISPLAY):
    return model.data(model.index(row, col), role)


def test_counts_and_first_chunk_of_ids_only(qtbot) -> None:
    model, source = make()
    assert model.rowCount() == 10_000
    assert model.columnCount() == len(COLUMNS)
    assert model.loaded_ids == LazyTableModel.CHUNK
    assert source.count_of("rows") == 0  # nothing fetched before paint
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Amount"


def test_money_date_and_roles(qtbot) -> None:
    model, _ = make()
    # row 0 is id 1: (7919 - 20000) * 37 = -446997 minor
    assert cell(model, 0, 1) == "-4,469.97"
    assert cell(model, 0, 1, Role.Clipboard) == "-4469.97"
    assert cell(model, 0, 1, Role.Raw) == Decimal("-4469.97")
    brush = cell(model, 0, 1, Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color() == NEGATIVE_COLOR
    align = Qt.AlignmentFlag(cell(model, 0, 1, Qt.ItemDataRole.TextAlignmentRole))
    assert align & Qt.AlignmentFlag.AlignRight
    # id 3: (23757 - 20000) * 37 = 139009 → positive, default colour
    assert cell(model, 2, 1) == "1,390.09"
    assert cell(model, 2, 1, Role.Clipboard) == "1390.09"
    assert cell(model, 2, 1, Qt.ItemDataRole.ForegroundRole) is None
    assert cell(model, 0, 2) == "2026-01-02"
    assert cell(model, 0, 2, Role.Raw) == date(2026, 1, 2)
    assert cell(model, 0, 0, Role.Id) == 1
    assert cell(model, 1, 4) == "✓" and cell(model, 0, 4) == ""
    assert cell(model, 0, 5) == "Open"
    assert cell(model, 0, 6) == "CNY"
    assert cell(model, 0, 3) == "1"


def test_rows_fetched_a_page_at_a_time(qtbot) -> None:
    model, source = make()
    for row in range(LazyTableModel.PAGE):
        cell(model, row, 0)
    assert source.count_of("rows") == 1
    cell(model, LazyTableModel.PAGE, 0)
    assert source.count_of("rows") == 2
    cell(model, 5, 1)  # cached
    assert source.count_of("rows") == 2


def test_ids_fetched_on_demand_and_all_at_once_on_a_big_jump(qtbot) -> None:
    model, source = make(200_000)
    assert model.loaded_ids == 2000
    cell(model, 3000, 0)
    assert 3000 < model.loaded_ids <= 3200 + LazyTableModel.CHUNK  # page end + one chunk
    assert cell(model, 3000, 0) == "row3001"
    ids_calls = source.count_of("ids")
    cell(model, 199_999, 0)  # Ctrl+End: one query for the rest, not a hundred
    assert source.count_of("ids") == ids_calls + 1
    assert source.calls[-2][0] == "ids" and source.calls[-2][3] is None
    assert model.loaded_ids == 200_000
    assert cell(model, 199_999, 0) == "row200000"


def test_mark_stale_refetches_only_what_is_painted_again(qtbot) -> None:
    model, source = make()
    cell(model, 0, 0)
    cell(model, 500, 0)
    assert source.count_of("rows") == 2
    counts_before = source.count_of("count")
    with qtbot.waitSignal(model.dataChanged):
        model.mark_stale()
    assert source.count_of("rows") == 2  # nothing re-fetched until painted
    cell(model, 0, 0)
    assert source.count_of("rows") == 3
    assert source.count_of("count") == counts_before  # count/ids only on refresh()
    model.refresh()
    assert source.count_of("count") == counts_before + 1


def test_filter_and_sort_requery_without_a_proxy(qtbot) -> None:
    model, source = make(1000)
    with qtbot.waitSignal(model.count_changed) as blocker:
        model.set_query(ListSpec(text="row99"))
    assert blocker.args == [11]  # row99, row990..row999
    model.set_query(ListSpec())
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.sort_spec == SortSpec("amount", descending=True)
    amounts = [cell(model, r, 1, Role.Raw) for r in range(50)]
    assert amounts == sorted(amounts, reverse=True)
    calls = len(source.calls)
    model.sort(2, Qt.SortOrder.AscendingOrder)  # no SQL sort key: ignored
    assert len(source.calls) == calls


def test_failed_page_shows_error_in_the_row(qtbot) -> None:
    model, source = make()
    source.fail_rows = True
    assert cell(model, 0, 0) == "database is locked"
    assert cell(model, 0, 1) == ""
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    source.fail_rows = False
    model.mark_stale()
    assert cell(model, 0, 0) == "row1"


def test_placeholder_while_blocked(qtbot) -> None:
    model, source = make()
    model.set_blocked(True)
    assert cell(model, 0, 0) == PLACEHOLDER
    assert source.count_of("rows") == 0
    model.set_blocked(False)
    assert cell(model, 0, 0) == "row1"


def test_query_failure_leaves_empty_model_and_reports(qtbot) -> None:
    source = FakeSource(10)
    model = LazyTableModel(object(), source, COLUMNS, as_of=AS_OF)  # type: ignore[arg-type]

    def boom(*a, **k):
        raise RuntimeError("no such table")

    source.count = boom  # type: ignore[method-assign]
    with qtbot.waitSignal(model.query_failed):
        model.set_query()
    assert model.rowCount() == 0


@pytest.mark.parametrize("n", [0, 1, 199, 200, 201])
def test_page_edges(qtbot, n: int) -> None:
    model, _ = make(n)
    assert model.rowCount() == n
    for row in range(n):
        assert cell(model, row, 0) == f"row{row + 1}"
