"""The columns of a customer's own ledger ("customer_ledger"): field specs, mapping, guess.

The same interface as :class:`desktop_ar.io.excel.mapping.Mapping` (``assign``, ``for_headers``,
``to_dict`` / ``from_dict``), plus the side of their ledger saved with a template; the generic
mapping only knows the import kinds. Reading the rows is :mod:`.ledger_columns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import FieldSpec

__all__ = [
    "AMOUNT_FIELDS",
    "KEYS",
    "LEDGER_FIELDS",
    "LEDGER_KIND",
    "SIDES",
    "LedgerMapping",
    "guess_ledger_mapping",
    "known_ledger_headers",
]

LEDGER_KIND = "customer_ledger"
SIDES = ("payable", "receivable")
AMOUNT_FIELDS = ("debit", "credit", "amount")


def _f(
    key: str, en: str, zh: str, kind: Any, synonyms: str, *, required: bool = False
) -> FieldSpec:
    return FieldSpec(key, en, zh, kind, required, tuple(synonyms.split("|")))


LEDGER_FIELDS: tuple[FieldSpec, ...] = (
    _f("date", "Date", "日期", "date",
       "记账日期|凭证日期|业务日期|单据日期|交易日期|入账日期|Posting date|Document date|"
       "Booking date|Entry date", required=True),
    _f("number", "Document number", "单据号", "identifier",
       "单据编号|发票号|发票号码|凭证号|凭证字号|凭证编号|单号|编号|Doc No|Document No|Invoice No|"
       "Invoice number|Voucher|Voucher No|Reference|Ref"),
    _f("description", "Description", "摘要", "text",
       "说明|备注|内容|摘要说明|Memo|Text|Narration|Particulars|Remarks"),
    _f("debit", "Debit", "借方", "amount",
       "借方金额|借方发生额|本期借方|借|Dr|Debit amount"),
    _f("credit", "Credit", "贷方", "amount",
       "贷方金额|贷方发生额|本期贷方|贷|Cr|Credit amount"),
    _f("amount", "Amount", "金额", "amount", "发生额|Signed amount|Net amount"),
    _f("balance", "Balance", "余额", "amount",
       "期末余额|账面余额|结余|Running balance|Closing balance"),
    _f("direction", "Balance side", "借或贷", "text", "方向|余额方向|借/贷|借贷|Dr/Cr|Side"),
)  # fmt: skip
"""The customer-ledger fields, in the order the wizard shows them."""

KEYS = {spec.key: spec for spec in LEDGER_FIELDS}
_MIN_CONTAINED = 2
_MIN_CONTAINED_ASCII = 4


def known_ledger_headers() -> set[str]:
    """Every header name of the ledger fields (labels and synonyms, English and Chinese)."""
    return {name for spec in LEDGER_FIELDS for name in spec.names}


@dataclass
class LedgerMapping:
    """Which column (zero-based) holds which ledger field; the same interface as ``Mapping``.

    Attributes:
        kind: always ``customer_ledger``.
        columns: field key → zero-based column index.
        unmapped_headers: labels of header cells no field uses.
        missing_required: ``date``, and ``amount`` when none of debit, credit or amount is mapped.
        confidence: field key → 0..1 (1.0 for an exact name or a user's choice).
        their_side: ``auto``, ``payable`` or ``receivable`` (saved with a template).
    """

    kind: str = LEDGER_KIND
    columns: dict[str, int] = field(default_factory=dict)
    unmapped_headers: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    their_side: str = "auto"

    def assign(self, key: str, column: int | None, headers: Sequence[object]) -> LedgerMapping:
        """A copy with ``key`` moved to ``column`` (``None`` unmaps it).

        Raises:
            KeyError: for a key that is not a ledger field.
        """
        if key not in KEYS:
            raise KeyError(f"a customer ledger has no field {key!r}")
        columns = {k: c for k, c in self.columns.items() if k != key and c != column}
        confidence = {k: v for k, v in self.confidence.items() if k in columns}
        if column is not None:
            columns[key] = column
            confidence[key] = 1.0
        return _finish(columns, confidence, headers, self.their_side)

    def for_headers(self, headers: Sequence[object]) -> LedgerMapping:
        """The same columns checked against another header row (a template applied to a file)."""
        return _finish(dict(self.columns), dict(self.confidence), headers, self.their_side)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for saving as a template."""
        return {
            "version": 1,
            "kind": LEDGER_KIND,
            "columns": dict(self.columns),
            "confidence": dict(self.confidence),
            "their_side": self.their_side,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LedgerMapping:
        """Rebuild a mapping saved with :meth:`to_dict`.

        Raises:
            ValueError: another kind, an unknown field or side, a bad or repeated column.
        """
        if data.get("kind") != LEDGER_KIND:
            raise ValueError(f"not a customer ledger mapping: {data.get('kind')!r}")
        columns: dict[str, int] = {}
        for key, column in dict(data.get("columns", {})).items():
            if key not in KEYS:
                raise ValueError(f"a customer ledger has no field {key!r}")
            if isinstance(column, bool) or not isinstance(column, int) or column < 0:
                raise ValueError(f"bad column index {column!r} for {key!r}")
            columns[key] = column
        if len(set(columns.values())) != len(columns):
            raise ValueError("one column is mapped to two fields")
        side = str(data.get("their_side", "auto"))
        if side not in ("auto", *SIDES):
            raise ValueError(f"unknown side {side!r}")
        confidence = {k: float(v) for k, v in dict(data.get("confidence", {})).items()}
        return _finish(columns, {k: confidence.get(k, 1.0) for k in columns}, [], side)


def _finish(
    columns: dict[str, int], confidence: dict[str, float], headers: Sequence[object], side: str
) -> LedgerMapping:
    used = set(columns.values())
    unmapped = [
        str(h).strip() for i, h in enumerate(headers) if i not in used and normalize_header(h)
    ]
    order = {spec.key: n for n, spec in enumerate(LEDGER_FIELDS)}
    columns = dict(sorted(columns.items(), key=lambda kv: order[kv[0]]))
    missing = [] if "date" in columns else ["date"]
    if not any(k in columns for k in AMOUNT_FIELDS):
        missing.append("amount")
    return LedgerMapping(LEDGER_KIND, columns, unmapped, missing, confidence, side)


def _contained(name: str, label: str) -> bool:
    minimum = _MIN_CONTAINED_ASCII if name.isascii() else _MIN_CONTAINED
    return len(name) >= minimum and name in label and name != label


def guess_ledger_mapping(headers: Sequence[object]) -> LedgerMapping:
    """Guess the ledger columns from the header labels (as ``mapping.guess_mapping`` does).

    Exact names first (a field's own labels before its synonyms), then labels that contain a
    name (``借方金额(元)``), the longest name winning; a column serves one field only.

    Args:
        headers: the header row cells.

    Returns:
        The guessed mapping (``their_side`` ``auto``).
    """
    labels = [normalize_header(h) for h in headers]
    names = [(s.key, {normalize_header(n) for n in s.names} - {""}) for s in LEDGER_FIELDS]
    columns: dict[str, int] = {}
    confidence: dict[str, float] = {}
    for column, label in enumerate(labels):
        for key, wanted in names:
            if label and key not in columns and label in wanted:
                columns[key], confidence[key] = column, 1.0
                break
    used = set(columns.values())
    candidates = []
    for column, label in enumerate(labels):
        if not label or column in used:
            continue
        for rank, (key, wanted) in enumerate(names):
            best = max((len(n) for n in wanted if _contained(n, label)), default=0)
            if best and key not in columns:
                candidates.append((-best / len(label), column, rank, key))
    for score, column, _, key in sorted(candidates):
        if key not in columns and column not in used:
            columns[key], confidence[key] = column, round(0.5 - 0.4 * score, 2)
            used.add(column)
    return _finish(columns, confidence, headers, "auto")
