"""``desktop-ar credit grades [--format json] [--save]`` and ``credit holds --apply``.

Tested through a parser holding only the ``credit`` command (the same ``add_credit_command``
that ``desktop_ar.cli.main`` registers), over a fresh book.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_ar.cli.args import iso_date
from desktop_ar.cli.credit_command import add_credit_command
from desktop_ar.services.book import open_book
from desktop_ar.services.context import FixedClock
from desktop_ar.services.settings import update_settings
from tests.services.helpers import m, make_customer, make_invoice, pay

AS_OF = date(2026, 6, 30)


@pytest.fixture
def book(db_path: Path) -> Path:
    ctx = open_book(db_path, user="tester", clock=FixedClock(AS_OF))
    try:
        a = make_customer(ctx, "张三有限公司", code="C001", credit_limit=m("100000"))
        make_invoice(ctx, a, "2026-01-01", "50000")  # due 2026-01-31
        pay(ctx, a, "2026-01-30", "50000")  # on time
        make_invoice(ctx, a, "2026-04-10", "10000")  # due 2026-05-10, open
        make_customer(ctx, "Idle Ltd", code="C002")
        update_settings(ctx, credit_hold_overdue_days=30)
    finally:
        ctx.engine.dispose()
    return db_path


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS)
    common.add_argument("--as-of", type=iso_date, default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="desktop-ar", parents=[common])
    sub = parser.add_subparsers()

    @contextlib.contextmanager
    def opener(args: argparse.Namespace) -> Iterator[Any]:
        ctx = open_book(args.db, user="cli", clock=FixedClock(AS_OF))
        try:
            yield ctx
        finally:
            ctx.engine.dispose()

    add_credit_command(sub, [common], opener)
    return parser


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    args = _parser().parse_args([str(a) for a in argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_grades_table(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", book, "credit", "grades")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Credit grades as of 2026-06-30"
    assert "On time %" in lines[1] and "Suggested limit" in lines[1]
    c001 = next(line for line in lines if line.startswith("C001"))
    assert "张三有限公司" in c001 and "100.0" in c001 and "10000.00 / 100000.00" in c001
    c002 = next(line for line in lines if line.startswith("C002"))
    assert "0.00 / no limit" in c002 and " B " in c002
    assert lines[-1].startswith("Grades: ")


def test_grades_json(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--db", book, "credit", "grades", "--format", "json", "--as-of", "2026-06-30"
    )
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-06-30"
    first = data["customers"][0]
    assert set(first) == {
        "customer_code",
        "customer_name",
        "grade",
        "score",
        "components",
        "suggested_limit",
        "credit_limit",
        "currency",
    }
    assert (first["customer_code"], first["customer_name"]) == ("C001", "张三有限公司")
    assert first["credit_limit"] == "100000.00" and first["currency"] == "CNY"
    assert isinstance(first["suggested_limit"], str) and isinstance(first["score"], int)
    assert [c["code"] for c in first["components"]] == [
        "on_time_share",
        "weighted_days_late",
        "longest_overdue",
        "disputes",
        "broken_promises",
        "exposure",
    ]
    assert set(first["components"][0]) == {"code", "value", "points", "max_points"}
    assert sum(c["points"] for c in first["components"]) == first["score"]
    assert data["customers"][1]["customer_code"] == "C002"


def test_grades_save(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", book, "credit", "grades", "--save")
    assert code == 0 and "Stored grades of 2 customers: 2 changed" in err
    _, out, _ = run(capsys, "--db", book, "credit", "grades", "--format", "json")
    assert json.loads(out)["customers"]


def test_holds_apply(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", book, "credit", "holds", "--apply")
    assert code == 0
    assert "items overdue more than 30 days" in out
    assert "Held: 1" in out and "C001" in out and "oldest overdue 51 days" in out
    assert "Released: 0" in out
    _, out, _ = run(capsys, "--db", book, "credit", "holds", "--apply", "--as-of", "2026-05-20")
    assert "Held: 0" in out and "Released: 1" in out


def test_holds_needs_apply(book: Path) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["--db", str(book), "credit", "holds"])
