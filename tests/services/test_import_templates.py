"""Saved import templates, header rows chosen by the user, and mappings corrected in the wizard."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from desktop_ar.db.models import AuditEntry, Customer
from desktop_ar.domain.errors import NotFound, PermissionDenied, UserFacingError
from desktop_ar.io.excel.mapping import Mapping
from desktop_ar.services.import_templates import (
    delete_template,
    list_templates,
    load_template,
    save_template,
)
from desktop_ar.services.imports import commit_import, plan_import, preview_sheet
from desktop_ar.services.uow import reader

ODD_HEADERS = ["Kunde", "Nummer", "Limit", "Bemerkung"]


def odd_file(path: Path, title_rows: int = 1) -> Path:
    """A customer list whose headers the guesser does not know, below a title."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kunden"
    for n in range(title_rows):
        ws.append([f"Kundenliste {n + 1}"])
    ws.append(ODD_HEADERS)
    ws.append(["甲公司", "K1", 100, "gut"])
    ws.append(["Acme GmbH", "K2", 250, ""])
    wb.save(path)
    return path


def odd_mapping() -> Mapping:
    mapping = Mapping("customers")
    for key, column in (("name", 0), ("code", 1), ("credit_limit", 2)):
        mapping = mapping.assign(key, column, ODD_HEADERS)
    return mapping


def test_preview_finds_header_and_user_can_choose_another(ctx: Any, tmp_path: Path) -> None:
    path = odd_file(tmp_path / "k.xlsx")
    preview = preview_sheet(ctx, path, "customers")
    assert preview.sheet == "Kunden" and [s.name for s in preview.sheets] == ["Kunden"]
    assert preview.rows[1] == ODD_HEADERS and preview.template is None
    chosen = preview_sheet(ctx, path, "customers", header_row=2)
    assert chosen.header_row == 2


def test_mapping_from_wizard_then_saved_template_offered_again(ctx: Any, tmp_path: Path) -> None:
    path = odd_file(tmp_path / "k.xlsx")
    guessed = plan_import(ctx, path, "customers", header_row=2)
    assert "name" in guessed.mapping.missing_required and guessed.errors
    plan = plan_import(ctx, path, "customers", header_row=2, mapping=odd_mapping())
    assert not plan.errors and len(plan.to_create) == 2 and plan.header_row == 2
    save_template(ctx, "  Kunden  export ", plan.mapping, plan.headers, header_row=2)
    [info] = list_templates(ctx, "customers")
    assert info.name == "Kunden export" and info.header_row == 2
    # Another file with the same headers (two title rows this time): the template is offered
    # in the preview and used by plan_import without being named.
    other = odd_file(tmp_path / "k2.xlsx", title_rows=2)
    preview = preview_sheet(ctx, other, "customers", header_row=3)
    assert preview.template is not None and preview.template.name == "Kunden export"
    again = plan_import(ctx, other, "customers", header_row=3)
    assert again.template == "Kunden export" and not again.errors
    assert commit_import(ctx, again).created == 2
    with reader(ctx) as s:
        assert s.scalar(select(Customer.credit_limit_minor).where(Customer.code == "K2")) == 25000
        actions = set(s.scalars(select(AuditEntry.action)))
    assert "save_import_template" in actions


def test_named_template_brings_its_header_row(ctx: Any, tmp_path: Path) -> None:
    path = odd_file(tmp_path / "k.xlsx")
    save_template(ctx, "K", odd_mapping(), ODD_HEADERS, header_row=2)
    plan = plan_import(ctx, path, "customers", template="K")
    assert plan.header_row == 2 and plan.template == "K" and not plan.errors


def test_template_saved_again_replaces_and_can_be_deleted(ctx: Any, tmp_path: Path) -> None:
    save_template(ctx, "K", odd_mapping(), ODD_HEADERS)
    changed = odd_mapping().assign("notes", 3, ODD_HEADERS)
    save_template(ctx, "K", changed, ODD_HEADERS)
    assert load_template(ctx, "customers", "K").mapping.columns["notes"] == 3
    assert len(list_templates(ctx)) == 1
    delete_template(ctx, "customers", "K")
    with pytest.raises(NotFound):
        load_template(ctx, "customers", "K")


def test_template_rules(ctx: Any) -> None:
    with pytest.raises(UserFacingError, match="name"):
        save_template(ctx, "   ", odd_mapping(), ODD_HEADERS)
    with pytest.raises(UserFacingError, match="header row"):
        save_template(ctx, "x", odd_mapping(), ODD_HEADERS, header_row=0)
    with pytest.raises(PermissionDenied):
        save_template(dataclasses.replace(ctx, role="read_only"), "x", odd_mapping(), ODD_HEADERS)


def test_header_row_that_is_empty_is_a_clear_problem(ctx: Any, tmp_path: Path) -> None:
    path = odd_file(tmp_path / "k.xlsx")
    plan = plan_import(ctx, path, "customers", header_row=40)
    assert plan.errors and "row 40 is not a header row" in plan.errors[0].message


def test_listing_all_templates_leaves_out_bank_and_ledger_mappings(ctx: Any) -> None:
    """Regression: a customer-ledger template made list_templates() fail on Mapping.from_dict."""
    from desktop_ar.services.customer_reconciliation import list_ledger_templates

    save_template(ctx, "K", odd_mapping(), ODD_HEADERS)
    with reader(ctx) as s:
        from desktop_ar.db.models import ImportTemplate

        s.add(
            ImportTemplate(
                name="Their ledger", kind="customer_ledger", header_signature="0" * 64,
                mapping_json="{}", created_at=datetime(2026, 6, 30), created_by="x",
                updated_at=datetime(2026, 6, 30),
            )
        )  # fmt: skip
        s.commit()
    assert [t.name for t in list_templates(ctx)] == ["K"]
    assert callable(list_ledger_templates)
