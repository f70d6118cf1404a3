"""Status and kind labels live in the shared tables, whichever page was opened first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import desktop_ar.ui.pages as pages_pkg
from desktop_ar.db.models.activity import CONTACT_KINDS, EXCEPTION_KINDS, EXCEPTION_STATUSES
from desktop_ar.services import lists
from desktop_ar.services.lists.exceptions import exceptions
from desktop_ar.services.lists.orders import orders

# Read in a fresh interpreter that imports no page module: what the shared tables hold alone.
_PROBE = """
import json, sys
from desktop_ar.ui.models import cells
pages = sorted(m for m in sys.modules if m.startswith("desktop_ar.ui.pages"))
print(json.dumps({"status": sorted(cells.STATUS_LABELS), "labels": sorted(cells.LABELS),
                  "pages": pages}))
"""


def _tables() -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout)


def test_every_status_and_kind_has_a_shared_label() -> None:
    tables = _tables()
    assert tables["pages"] == []
    status, labels = set(tables["status"]), set(tables["labels"])
    wanted = {"resolved", "confirmed", "in_progress", "draft", "cancelled", "invoiced"}
    for source in (lists.customers, lists.invoices, lists.payments, orders, exceptions):
        wanted |= set(source.statuses)
    wanted |= {*EXCEPTION_STATUSES, "open", "resolved"}  # exceptions; disputes
    assert wanted - status == set()
    assert {*EXCEPTION_KINDS, *CONTACT_KINDS} - labels == set()


def test_page_modules_register_no_labels() -> None:
    for path in Path(pages_pkg.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "LABELS.setdefault" not in text and "LABELS[" not in text, path.name
