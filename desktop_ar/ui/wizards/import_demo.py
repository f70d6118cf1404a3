"""The import wizard on a realistic file, for screenshots (``desktop-ar screenshots``).

``demo_invoices_csv`` writes the kind of export a bookkeeper brings: a title and a preamble line
above Chinese headers, customers by name or code from the open book, amounts written as
``¥2,500.50`` and ``1,234.50元``, a totals row — and three rows with problems (an unknown
customer, 6月31日, an amount that is no number). ``wizard_screens`` opens the wizard on it and
yields it at the columns step and at the preview step.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_ar.services.context import ServiceContext

HEADERS = ["发票号码", "客户名称（全称）", "开票日期", "价税合计", "付款条件", "销售订单", "备注"]


def demo_invoices_csv(ctx: ServiceContext, folder: Path) -> Path:
    """Write ``应收发票-2026-06.csv`` (UTF-8 with BOM) into ``folder`` and return its path."""
    from desktop_ar.services.pickers import customer_choices

    customers = customer_choices(ctx, limit=8) or []
    names = [c.name for c in customers] or ["上海明远贸易有限公司"]
    codes = [c.code for c in customers] or ["C001"]

    def name(i: int) -> str:
        return names[i % len(names)]

    rows = [
        ["FP-2026-0601", name(0), "2026-06-01", "11,300.00", "NET30", "", "6月货款"],
        ["FP-2026-0602", codes[min(2, len(codes) - 1)], "2026/6/3", "¥2,500.50", "NET60", "", ""],
        ["FP-2026-0603", name(3), "2026年6月5日", "2,087.03", "NET30", "", "含运费"],
        ["FP-2026-0604", name(4), "2026-06-08", "1,234.50元", "EOM30", "", ""],
        ["FP-2026-0605", "杭州新客户有限公司", "2026-06-09", "800", "NET30", "", "新客户"],
        ["FP-2026-0606", name(5), "6月31日", "950", "NET30", "", ""],
        ["FP-2026-0607", name(6), "2026-06-12", "abc", "NET30", "", ""],
        ["FP-2026-0608", name(0), "2026-06-18", "5,650.50", "NET30", "", ""],
        ["FP-2026-0609", name(1), "2026-06-20", "18,000.00", "NET45", "", ""],
    ]
    path = folder / "应收发票-2026-06.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["2026年6月 应收发票 Invoices June 2026"])
        out.writerow(["制表人：王芳", "", "", "导出日期：2026-06-30"])
        out.writerow(HEADERS)
        out.writerows(rows)
        out.writerow(["合计", "", "", "43,972.03", "", "", ""])
    return path


def wizard_screens(
    parent: QWidget, ctx: ServiceContext, settle: Callable[[QWidget], None]
) -> Iterator[tuple[str, QWidget]]:
    """The wizard at the columns step, then (a second one) at the preview step."""
    from desktop_ar.ui.wizards.import_wizard import ImportWizard

    with tempfile.TemporaryDirectory(prefix="desktop-ar-import-") as folder:
        path = demo_invoices_csv(ctx, Path(folder))
        for name, steps in (("import_mapping", 2), ("import_preview", 3)):
            wizard = ImportWizard(ctx=ctx, kind="invoices", path=path, parent=parent)
            wizard.show()
            settle(wizard)
            for _ in range(steps):
                wizard.next()
                settle(wizard)
            if name == "import_preview":
                wizard.preview_page.skip_check.setChecked(True)
            yield name, wizard
