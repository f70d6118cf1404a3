"""A bank CSV whose headers the guess does not know (German-like labels, S/H flag column)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from desktop_ar.io.bank import BankMapping

ODD_HEADER = "Tag;Vorgang;Wert;Kennz.;Gegenpartei;Verw.;Stand"


def odd_csv(path: Path, *, shift: int = 0, month: int = 6) -> Path:
    """Three lines of an export with a preamble, an unsigned amount and an S/H flag column."""
    rows = [
        ("03.06.2026", "Gutschrift", "1.200,00", "H", "Shanghai Jia Trading", "INV-1043"),
        ("05.06.2026", "Gebühr", "5,50", "S", "", "Kontoführung"),
        ("09.06.2026", "Gutschrift", "300,00", "H", "Beijing Yi GmbH", "Rechnung"),
    ]
    balance = Decimal(1000 + shift)
    lines = ["Kontoauszug Musterbank", "Konto: DE44500105175407324931;Währung: EUR", "", ODD_HEADER]
    for when, what, amount, flag, name, memo in rows:
        day = when.replace(".06.", f".{month:02d}.")
        value = Decimal(amount.replace(".", "").replace(",", "."))
        balance += value if flag == "H" else -value
        stand = f"{balance:.2f}".replace(".", ",")
        lines.append(f"{day};{what};{amount};{flag};{name};{memo};{stand}")
    lines.append("Summe;;;;;;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def odd_mapping() -> BankMapping:
    """What the user picks: Tag = date, Wert = amount, Kennz. = S/H flag, Stand = balance."""
    return BankMapping.from_dict(
        {"date": 0, "amount": 2, "direction": 3, "counterparty_name": 4, "memo": [1, 5],
         "balance": 6}
    )  # fmt: skip
