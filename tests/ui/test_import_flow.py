"""The import wizard's rules (ui/wizards/import_flow.py), tested without Qt."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop_ar.domain.errors import CellError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.mapping import Mapping, guess_mapping, header_signature
from desktop_ar.io.excel.reader import SheetInfo
from desktop_ar.io.excel.records import Record
from desktop_ar.services.changes import Changes
from desktop_ar.services.import_plan import ImportPlan, ImportResult
from desktop_ar.services.import_reading import SheetPreview
from desktop_ar.services.import_templates import TemplateInfo
from desktop_ar.ui.wizards import import_flow as f
from desktop_ar.ui.wizards.import_cells import (
    cell_text,
    changes_after_import,
    column_letter,
    matching_template,
    record_text,
    short,
)
from desktop_ar.ui.wizards.import_flow import ImportFlow, Step

KINDS = ("customers", "orders", "invoices", "payments", "opening_balances")
HEADERS = ["客户编号", "客户名称", "付款条件", "信用额度"]
ROWS = [
    ["客户清单 Customer list"],
    [],
    HEADERS,
    ["C001", "上海甲公司", "NET30", 10000.0],
    ["C002", None, "NET60", "5,000"],
    [None, "北京乙公司", None, None, "extra"],
]


def preview(rows=ROWS, header_row: int | None = 3, sheet: str = "数据") -> SheetPreview:
    sheets = [SheetInfo(sheet, True), SheetInfo("旧", False)]
    return SheetPreview("xlsx", sheets, sheet, rows, header_row, ("row 3: …",), [], None)


def template(
    title: str, headers=HEADERS, *, kind: str = "customers", minute: int = 0, cols=None
) -> TemplateInfo:
    cols = cols or {"name": 1}
    mapping = Mapping(kind, dict(cols), confidence=dict.fromkeys(cols, 1.0))
    when = datetime(2026, 6, 30, 9, minute)
    signature = header_signature(headers)
    return TemplateInfo(1 + minute, title, kind, mapping, None, signature, when, "me")


def flow_at_mapping(path: str = "a.xlsx") -> ImportFlow:
    flow = ImportFlow(KINDS)
    flow.set_kind("customers")
    flow.set_path(path)
    flow.set_preview(preview())
    flow.prepare_mapping([])
    return flow


def plan(**kw) -> ImportPlan:
    result = ImportPlan("customers", Path("a.xlsx"), "数据", Mapping("customers"))
    for key, value in kw.items():
        setattr(result, key, value)
    return result


def error(row: int) -> CellError:
    return CellError("a.xlsx", "数据", row, "B", "", "invalid", {"field": "name", "reason": "x"})


# ---- helpers ----------------------------------------------------------------------------------


def test_column_letters_follow_excel() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "ZZ", "AAA"
    ]  # fmt: skip


def test_cell_text_reads_like_excel() -> None:
    assert cell_text(None) == ""
    assert cell_text(15.0) == "15" and cell_text(2087.025) == "2087.025"
    assert cell_text(datetime(2026, 3, 1)) == "2026-03-01"
    assert cell_text(datetime(2026, 3, 1, 8, 30)) == "2026-03-01 08:30:00"
    assert cell_text(date(2026, 3, 1)) == "2026-03-01"
    assert short("a  b\nc") == "a b c" and short("x" * 40, 10) == "x" * 9 + "…"


def test_record_text_shows_the_first_values() -> None:
    values = {"number": "INV-1", "amount": Money(123_450, "CNY"), "invoices": ("A", "B")}
    assert record_text(values) == "INV-1 · 1,234.50 · A, B"
    assert record_text({"a": None, "b": date(2026, 1, 2)}) == "2026-01-02"


def test_changes_after_import_refresh_every_list_only_when_written() -> None:
    assert changes_after_import(ImportResult(3, 0, 0, 1)).everything
    assert changes_after_import(ImportResult(0, 0, 0, 1, updated=2)).everything
    assert not changes_after_import(ImportResult(0, 4, 0, None))
    own = Changes(customers={7})

    class WithChanges:
        created, updated, changes = 1, 0, own

    assert changes_after_import(WithChanges()) is own  # type: ignore[arg-type]


def test_matching_template_is_the_latest_for_the_same_headers() -> None:
    old, new = template("old", minute=1), template("new", minute=5)
    other = template("other", ["Name", "Code"], minute=9)
    assert matching_template([old, other, new], HEADERS) is new
    assert matching_template([other], HEADERS) is None


def test_the_flow_module_does_not_import_qt() -> None:
    code = "import sys, desktop_ar.ui.wizards.import_flow; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- steps ------------------------------------------------------------------------------------


def test_steps_go_forward_and_back_but_not_back_from_done() -> None:
    assert ImportFlow.next_step(Step.SOURCE) is Step.SHEET
    assert ImportFlow.next_step(Step.PREVIEW) is Step.DONE
    assert ImportFlow.next_step(Step.DONE) is None
    assert ImportFlow.previous_step(Step.SOURCE) is None
    assert ImportFlow.previous_step(Step.PREVIEW) is Step.MAPPING
    assert ImportFlow.previous_step(Step.DONE) is None  # the rows are written
    assert ImportFlow.is_last(Step.DONE) and not ImportFlow.is_last(Step.PREVIEW)


def test_source_step_needs_a_readable_file() -> None:
    flow = ImportFlow(KINDS)
    assert flow.kind == "customers"  # the first kind the services offer
    assert not flow.can_leave(Step.SOURCE)
    flow.set_path("a.xlsx")
    assert not flow.can_leave(Step.SOURCE)
    flow.set_file_error("a.xlsx: the workbook is password-protected")
    assert not flow.can_leave(Step.SOURCE) and flow.file_error
    flow.set_preview(preview())
    assert flow.can_leave(Step.SOURCE) and flow.file_error is None
    assert (flow.sheet, flow.header_row) == ("数据", 3)


def test_kinds_come_from_the_caller_and_unknown_ones_are_refused() -> None:
    flow = ImportFlow(("customers", "new_kind"))
    flow.set_kind("new_kind")
    assert flow.kind == "new_kind" and flow.field_rows() == []
    with pytest.raises(ValueError):
        flow.set_kind("bank_lines")


def test_changing_kind_or_file_forgets_the_preview_mapping_and_plan() -> None:
    flow = flow_at_mapping()
    flow.set_plan(plan(to_create=[Record(4)]))
    flow.set_path("a.xlsx")  # the same file: nothing forgotten
    assert flow.plan is not None and flow.mapping is not None
    flow.set_kind("invoices")
    assert (flow.preview, flow.mapping, flow.plan, flow.header_row) == (None, None, None, None)
    flow.set_preview(preview())
    flow.set_path("b.xlsx")
    assert flow.preview is None and not flow.can_leave(Step.SOURCE)


def test_header_row_must_be_a_previewed_row_with_labels() -> None:
    flow = ImportFlow(KINDS)
    flow.set_preview(preview(header_row=None))
    assert not flow.can_leave(Step.SHEET) and flow.headers == []
    flow.set_header_row(2)  # the blank row
    assert not flow.header_ok() and not flow.can_leave(Step.SHEET)
    flow.set_header_row(99)
    assert not flow.can_leave(Step.SHEET)
    flow.set_header_row(1)  # the title: allowed, the user knows best
    assert flow.can_leave(Step.SHEET) and flow.headers == ["客户清单 Customer list"]


def test_column_choices_show_letter_label_and_first_value() -> None:
    flow = ImportFlow(KINDS)
    flow.set_preview(preview())
    choices = flow.column_choices()
    assert [(c.letter, c.label, c.sample) for c in choices] == [
        ("A", "客户编号", "C001"),
        ("B", "客户名称", "上海甲公司"),
        ("C", "付款条件", "NET30"),
        ("D", "信用额度", "10000"),
        ("E", "", "extra"),  # a column with data but no header label is offered too
    ]


# ---- mapping ----------------------------------------------------------------------------------


def test_mapping_is_guessed_then_kept_while_the_header_row_stays() -> None:
    flow = flow_at_mapping()
    assert flow.mapping == guess_mapping(HEADERS, "customers")
    assert flow.template is None and flow.can_leave(Step.MAPPING)
    flow.assign("notes", 2)  # the user moves 付款条件 to Notes
    flow.prepare_mapping([template("t")])  # back and Next again: the user's choice stays
    assert flow.mapping.columns["notes"] == 2 and "payment_terms" not in flow.mapping.columns
    assert flow.user_set == {"notes"}
    flow.set_header_row(4)  # another header row: guessed afresh
    flow.prepare_mapping([])
    assert flow.user_set == set() and flow.mapping.columns != {"notes": 2}


def test_matching_template_is_applied_and_named() -> None:
    flow = ImportFlow(KINDS)
    flow.set_preview(preview())
    saved = template("客户模板", cols={"code": 0, "name": 1, "notes": 3})
    wrong_kind = replace(template("发票", kind="invoices", cols={"number": 0}), id=99)
    flow.prepare_mapping([wrong_kind, saved])
    assert flow.template == "客户模板"
    assert flow.mapping.columns == {"code": 0, "name": 1, "notes": 3}
    assert flow.template_fits(saved)
    flow.guess()
    assert flow.template is None and flow.mapping.columns["payment_terms"] == 2
    with pytest.raises(ValueError):
        flow.apply_template(wrong_kind)


def test_field_rows_mark_required_missing_and_user_choices() -> None:
    flow = flow_at_mapping()
    flow.assign("name", None)
    rows = {r.spec.key: r for r in flow.field_rows()}
    assert rows["name"].missing and rows["name"].column is None
    assert [s.key for s in flow.missing_required()] == ["name"]
    assert not flow.can_leave(Step.MAPPING)
    assert rows["code"].confidence == 1.0 and not rows["code"].by_user
    flow.assign("name", 0)  # takes column A away from the code
    rows = {r.spec.key: r for r in flow.field_rows()}
    assert rows["name"].by_user and rows["code"].column is None and not rows["code"].missing
    assert flow.can_leave(Step.MAPPING)
    flow.assign("code", 0)  # and back: name loses it, and is no longer the user's choice
    assert "name" not in flow.user_set and "code" in flow.user_set


def test_template_header_row_is_saved_only_when_corrected() -> None:
    flow = flow_at_mapping()
    assert flow.template_header_row() is None  # found automatically next time too
    flow.set_header_row(4)
    assert flow.template_header_row() == 4


# ---- plan, summary, result --------------------------------------------------------------------


def test_plan_arguments_carry_every_choice() -> None:
    flow = flow_at_mapping("/tmp/a.xlsx")
    args = flow.plan_arguments()
    assert args == {
        "path": Path("/tmp/a.xlsx"),
        "kind": "customers",
        "sheet": "数据",
        "header_row": None,  # found automatically: the services find it again
        "mapping": flow.mapping,
    }
    flow.set_header_row(4)
    assert flow.plan_arguments()["header_row"] == 4


def test_summary_says_what_stops_the_commit() -> None:
    flow = flow_at_mapping()
    assert flow.summary().blocker == f.NOT_PLANNED and not flow.can_leave(Step.PREVIEW)
    flow.set_plan(plan(to_create=[Record(4)], skipped=[(Record(5), "already exists")]))
    summary = flow.summary()
    assert (summary.to_create, summary.skipped, summary.rejected_rows) == (1, 1, 0)
    assert summary.can_commit and flow.can_leave(Step.PREVIEW)
    flow.set_plan(plan(to_create=[Record(4)], errors=[error(6), error(6), error(7)]))
    summary = flow.summary()
    assert (summary.problems, summary.rejected_rows, summary.blocker) == (3, 2, f.HAS_PROBLEMS)
    assert flow.can_skip_invalid()
    flow.set_skip_invalid(True)
    assert flow.summary().can_commit
    flow.set_plan(plan(errors=[error(6)], rejected_cells={6: ["C9", None]}))
    assert flow.summary().blocker == f.NOTHING_TO_IMPORT and not flow.can_skip_invalid()
    assert flow.can_save_rejects()


def test_already_imported_and_read_only_cannot_commit() -> None:
    flow = flow_at_mapping()
    when = datetime(2026, 6, 1, 10, 30)
    flow.set_plan(plan(already_imported=(when, "王芳")))
    summary = flow.summary()
    assert summary.blocker == f.ALREADY_IMPORTED and summary.already_imported == (when, "王芳")
    assert not flow.can_leave(Step.PREVIEW)
    reader = ImportFlow(KINDS, may_write=False)
    reader.set_preview(preview())
    reader.set_plan(plan(to_create=[Record(4)]))
    assert reader.summary().blocker == f.NOT_ALLOWED


def test_result_and_cancel() -> None:
    flow = flow_at_mapping()
    flow.set_plan(plan(to_create=[Record(4)]))
    flow.set_cancelled()
    assert flow.cancelled and flow.result is None and flow.can_leave(Step.PREVIEW)
    flow.set_result(ImportResult(1, 0, 0, 5))
    assert not flow.cancelled and flow.can_leave(Step.PREVIEW)
    assert not flow.can_leave(Step.DONE)
    flow.assign("notes", 3)  # any new choice makes plan and result stale
    assert flow.plan is None and flow.result is None


def test_a_template_saved_with_a_corrected_header_row_chooses_it_again() -> None:
    odd = [["报表 2026"], ["甲", "乙"], ["C1", "上海甲公司"]]
    saved = replace(template("ERP", ["甲", "乙"]), header_row=2)
    flow = ImportFlow(KINDS)
    flow.set_preview(preview(odd, header_row=None), [saved])
    assert (flow.header_row, flow.header_template) == (2, "ERP")
    assert flow.template_header_row() == 2  # saved again with the row
    flow.set_header_row(3)
    assert flow.header_template is None
    for unfit in (
        replace(saved, header_row=None),  # found automatically: nothing to remember
        replace(saved, header_row=1),  # that row of this sheet has other labels
        replace(saved, kind="invoices"),
    ):
        flow.set_preview(preview(odd, header_row=None), [unfit])
        assert flow.header_row is None and flow.header_template is None


def test_stepping_through_columns_takes_only_the_last_one() -> None:
    flow = flow_at_mapping()
    guessed = dict(flow.mapping.columns)
    assert guessed == {"code": 0, "name": 1, "payment_terms": 2, "credit_limit": 3}
    for column in (None, 0, 1, 2, 3):  # Down, Down, Down… on the Notes combo
        flow.assign("notes", column)
    assert flow.mapping.columns == {"code": 0, "name": 1, "payment_terms": 2, "notes": 3}
    assert flow.user_set == {"notes"} and flow.mapping.confidence["name"] == 1.0
    flow.assign("notes", None)  # and back to "not imported": the credit limit returns
    assert flow.mapping.columns == guessed
    assert not flow.mapping.missing_required
