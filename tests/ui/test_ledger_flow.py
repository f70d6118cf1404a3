"""The reconcile wizard's rules without Qt widgets (``LedgerFlow``), and the items model alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from desktop_ar.domain.errors import CellError
from desktop_ar.domain.money import Money
from desktop_ar.ui.models.recon_items import ReconItemsModel, count
from desktop_ar.ui.models.roles import Role
from desktop_ar.ui.wizards import ledger_flow
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.ledger_flow import LedgerFlow
from tests.ui.recon_helpers import AS_OF, Scenario, make_scenario, recon


@pytest.fixture
def scenario(ctx, tmp_path: Path) -> Scenario:
    return make_scenario(ctx, tmp_path)


def _read(scenario: Scenario, flow: LedgerFlow, **kw):
    return recon.preview_customer_ledger(
        scenario.ctx, scenario.ledger, customer_id=scenario.customer_id, date_to=AS_OF, **kw
    )


def test_file_sheet_columns_then_period(scenario: Scenario) -> None:
    flow = LedgerFlow(customer_id=scenario.customer_id, date_to=AS_OF)
    assert not flow.can_leave(Step.SOURCE)
    flow.set_path(scenario.ledger)
    flow.set_ledger(_read(scenario, flow))
    assert flow.can_leave(Step.SOURCE) and flow.can_leave(Step.SHEET)
    assert flow.header_row == 2 and flow.sheet == "应付账款"
    assert flow.preview is not None and flow.preview.file_kind == "xlsx"
    flow.prepare_mapping([])
    assert flow.mapping is not None and flow.can_leave(Step.MAPPING)
    assert [r.column for r in flow.field_rows()] == [0, 1, 2, 3, 4, None, 5, None]
    # Unmapping every amount column: the "amount" field is missing, Next stays off.
    flow.assign("debit", None)
    flow.assign("credit", None)
    assert [s.key for s in flow.missing_required()] == ["amount"]
    assert not flow.can_leave(Step.MAPPING)
    flow.assign("credit", 4)
    flow.assign("debit", 3)
    assert flow.can_leave(Step.MAPPING) and {"credit", "debit"} <= flow.user_set
    # The last step: nothing read yet, then a bad period, then the lines.
    assert flow.blocker() == ledger_flow.NOT_READ and not flow.can_leave(Step.PREVIEW)
    flow.set_period(date(2026, 7, 1), AS_OF)
    assert flow.blocker() == ledger_flow.BAD_PERIOD
    flow.set_period(None, None)
    assert flow.blocker() == ledger_flow.NO_DATE_TO
    flow.set_period(date(2026, 1, 1), AS_OF)
    flow.set_their_side("payable")
    args = flow.read_arguments()
    assert args["their_side"] == "payable" and args["header_row"] == 2
    assert args["mapping"] is flow.mapping and args["date_from"] == date(2026, 1, 1)
    kw = {k: v for k, v in args.items() if k != "date_to"}
    flow.set_lines(_read(scenario, flow, **kw))
    assert flow.blocker() is None and flow.can_leave(Step.PREVIEW)
    assert flow.ledger is not None and flow.ledger.their_closing == Money.of("5500", "CNY")
    assert LedgerFlow.is_last(Step.PREVIEW) and LedgerFlow.next_step(Step.PREVIEW) is None
    with pytest.raises(ValueError):
        flow.set_their_side("sideways")
    # A read-only role never gets past the last step.
    flow.may_write = False
    assert not flow.can_leave(Step.PREVIEW)


def test_problems_and_empty_ledgers_block_the_reconciliation(scenario: Scenario) -> None:
    flow = LedgerFlow(customer_id=scenario.customer_id, date_to=AS_OF)
    flow.set_path(scenario.ledger)
    ledger = _read(scenario, flow)
    flow.set_ledger(ledger)
    problem = CellError("x.xlsx", "应付账款", 4, "D", "abc", "invalid", {"field": "Debit"})
    flow.set_lines(replace(ledger, problems=[problem]))
    assert flow.blocker() == ledger_flow.HAS_PROBLEMS
    flow.set_lines(replace(ledger, lines=[]))
    assert flow.blocker() == ledger_flow.NO_LINES
    flow.set_header_row(3)  # another header row forgets what was read
    assert flow.ledger is None and flow.blocker() == ledger_flow.NOT_READ


def test_items_model_filters_sorts_and_copies(scenario: Scenario) -> None:
    view = recon.reconcile_customer(
        scenario.ctx, scenario.customer_id, scenario.ledger, date_to=AS_OF,
        date_from=date(2026, 1, 1),
    )  # fmt: skip
    model = ReconItemsModel()
    model.set_items(view.items)
    assert model.rowCount() == 5 and count(view.items, "open") == 3
    model.set_filter("amount_difference")
    assert model.rowCount() == 1
    index = model.index(0, 9)  # the difference
    assert index.data() == "500.00" and index.data(int(Role.Clipboard)) == "500.00"
    assert index.data(int(Role.SortKey)) == 50000
    assert model.index(0, 0).data() == "Amount differs"
    assert model.index(0, 10).data() == "to do"
    model.set_filter("timing")
    assert model.index(0, 8).data() == "-2,000.00"  # their payment, negative
    assert model.index(0, 8).data(int(Role.Raw)) is not None
    model.set_filter("matched")
    assert model.rowCount() == 2 and model.index(0, 10).data() == ""
