"""The bank import wizard's rules without a display: columns, the memo, what is passed on."""

from __future__ import annotations

from pathlib import Path

from desktop_ar.io.bank import BankMapping
from desktop_ar.ui.wizards.bank_flow import BankColumns, BankFlow
from desktop_ar.ui.wizards.import_flow import Step

HEADERS = ["Tag", "Vorgang", "Wert", "Kennz.", "Gegenpartei", "Verw.", "Stand"]


def test_columns_missing_assign_and_memo_columns() -> None:
    cols = BankColumns.of(BankMapping(), HEADERS)
    assert cols.missing_required == ["date", "amount"] and len(cols.unmapped_headers) == 7
    cols = cols.assign("date", 0, HEADERS).assign("debit", 2, HEADERS)
    assert cols.missing_required == ["amount"]  # debit alone is not enough
    cols = cols.assign("credit", 3, HEADERS)
    assert cols.missing_required == []
    cols = cols.assign("amount", 2, HEADERS)  # the column moves from debit to amount
    assert cols.columns == {"date": 0, "amount": 2, "credit": 3}
    memo = BankColumns.of(BankMapping.from_dict({"date": 0, "amount": 2, "memo": [1, 5]}), HEADERS)
    assert memo.columns["memo"] == 1 and memo.memo_extra == [5]
    assert memo.to_bank_mapping().memo_columns == [1, 5]
    assert memo.assign("reference", 5, HEADERS).to_bank_mapping().memo_columns == [1]
    assert memo.assign("memo", 4, HEADERS).to_bank_mapping().memo_columns == [4]


def test_read_arguments_pass_the_template_or_the_users_columns() -> None:
    flow = BankFlow(path=Path("x.csv"))
    assert not flow.can_leave(Step.PREVIEW)  # nothing read yet
    flow.mapping = BankColumns.of(BankMapping.from_dict({"date": 0, "amount": 2}), HEADERS)  # type: ignore[assignment]
    flow.template = "Musterbank"
    assert flow.read_arguments()["template"] == "Musterbank"
    flow.user_set = {"date"}
    args = flow.read_arguments()
    assert "template" not in args and args["mapping"].to_dict() == {"date": 0, "amount": 2}
