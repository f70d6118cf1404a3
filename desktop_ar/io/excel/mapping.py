"""Import step 3: which spreadsheet column holds which field.

Every import kind (customers, invoices, payments, orders, opening balances) has a tuple of
:class:`FieldSpec`. ``guess_mapping`` matches the header labels of a sheet against the English and
Chinese names and synonyms of those fields (the glossary words: 客户名称 / Customer / Client, 金额 /
Amount, 发票号 / Invoice No…): exact matches first, then labels that *contain* a synonym
(``客户名称(全称)``), the longest synonym winning. A column is never mapped to two fields. The
mapping can be saved as a named template (``to_dict`` / ``from_dict``) and offered again for a file
whose :func:`header_signature` is the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from desktop_ar.io.excel.header import normalize_header

__all__ = [
    "CUSTOMER_TYPES",
    "KINDS",
    "ONE_OF_REQUIRED",
    "PAYMENT_METHODS",
    "FieldKind",
    "FieldSpec",
    "Mapping",
    "guess_mapping",
    "header_signature",
    "known_headers",
]

FieldKind = Literal["text", "amount", "date", "int", "decimal", "identifier", "choice"]

_MIN_CONTAINED = 2  # shortest synonym looked for inside a longer label
_MIN_CONTAINED_ASCII = 4  # "no", "tax" inside English words match too much


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One importable field.

    Attributes:
        key: the field key used in records and templates.
        label_en: English column name (also shown in the wizard and documented in the README).
        label_zh: Chinese column name.
        kind: how cells are converted (see :mod:`desktop_ar.io.excel.records`).
        required: every row must have a value.
        synonyms: further header names that mean this field, English and Chinese.
        choices: for ``kind == "choice"``, the stored values.
    """

    key: str
    label_en: str
    label_zh: str
    kind: FieldKind
    required: bool
    synonyms: tuple[str, ...]
    choices: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """All header names of the field: the two labels, then the synonyms."""
        return (self.label_en, self.label_zh, *self.synonyms)


def _f(
    key: str,
    en: str,
    zh: str,
    kind: FieldKind,
    synonyms: str,
    *,
    required: bool = False,
    choices: tuple[str, ...] = (),
) -> FieldSpec:
    return FieldSpec(key, en, zh, kind, required, tuple(synonyms.split("|")), choices)


_CUSTOMER_REF = (
    "客户|客户名称|单位名称|公司名称|客户全称|购买方|购货单位|付款单位|对方户名|客户编号|客户代码|"
    "Customer name|Client|Client name|Company|Company name|Customer code|Customer ID|Buyer"
)
_CURRENCY = "币种|币别|货币|Currency code|Curr|CCY"
_NOTES = "备注|说明|Notes|Note|Memo|Remarks|Comment|Comments"
_TERMS = "账期|付款条件|信用期|付款方式条件|Terms|Payment terms|Credit terms"

CUSTOMER_TYPES = ("key_account", "sme", "individual")
PAYMENT_METHODS = ("bank_transfer", "cash", "card", "cheque", "online", "other")

KINDS: dict[str, tuple[FieldSpec, ...]] = {
    "customers": (
        _f("code", "Customer code", "客户编号", "identifier",
           "客户代码|客户编码|编号|代码|Code|Customer ID|Customer No|Client ID"),
        _f("name", "Customer name", "客户名称", "text",
           "客户|单位名称|公司名称|客户全称|Customer|Client|Client name|Company|Company name|Name",
           required=True),
        _f("short_name", "Short name", "客户简称", "text", "简称|Short|Abbreviation"),
        _f("customer_type", "Customer type", "客户类型", "choice",
           "客户分类|类型|分类|Type|Category|Segment", choices=CUSTOMER_TYPES),
        _f("industry", "Industry", "行业", "text", "所属行业|Sector"),
        _f("region", "Region", "地区", "text", "区域|省份|城市|Area|Province|Territory"),
        _f("tags", "Tags", "标签", "text", "Tag|Labels"),
        _f("payment_terms", "Payment terms", "付款条件", "text", _TERMS),
        _f("currency", "Currency", "币种", "text", _CURRENCY),
        _f("credit_limit", "Credit limit", "信用额度", "amount", "授信额度|额度|Credit|Limit"),
        _f("collector", "Collector", "收款员", "text",
           "催收员|业务员|负责人|销售|Sales rep|Salesperson|Owner|Account manager"),
        _f("tax_id", "Tax ID", "税号", "identifier",
           "纳税人识别号|统一社会信用代码|信用代码|Tax number|VAT number|TIN"),
        _f("address", "Address", "地址", "text", "联系地址|通讯地址|Street|Addr"),
        _f("phone", "Phone", "电话", "identifier",
           "联系电话|手机|手机号|Mobile|Tel|Telephone|Phone number"),
        _f("email", "Email", "邮箱", "text", "电子邮件|电子邮箱|E-mail|Mail"),
        _f("contact_name", "Contact", "联系人", "text", "联系人姓名|Contact name|Contact person"),
        _f("notes", "Notes", "备注", "text", _NOTES),
    ),
    "invoices": (
        _f("number", "Invoice number", "发票号", "identifier",
           "发票号码|账单号|应收单号|单据号|单据编号|单号|Invoice No|Invoice|Invoice ID|Inv No|"
           "Document number|Doc No", required=True),
        _f("customer", "Customer", "客户", "text", _CUSTOMER_REF, required=True),
        _f("issue_date", "Issue date", "开票日期", "date",
           "日期|单据日期|账单日期|发票日期|Date|Invoice date|Document date", required=True),
        _f("due_date", "Due date", "到期日", "date",
           "应收日期|到期日期|付款日期|应付款日期|Due|Payment due"),
        _f("currency", "Currency", "币种", "text", _CURRENCY),
        _f("net", "Net amount", "不含税金额", "amount",
           "金额(不含税)|未税金额|净额|Net|Amount excl. tax|Subtotal"),
        _f("tax", "Tax", "税额", "amount", "增值税|增值税额|Tax amount|VAT"),
        _f("amount", "Amount", "价税合计", "amount",
           "金额|含税金额|应收金额|发票金额|总金额|Total|Gross|Gross amount|Total amount|"
           "Amount incl. tax|Invoice amount"),
        _f("payment_terms", "Payment terms", "付款条件", "text", _TERMS),
        _f("fapiao_number", "Fapiao number", "税票号码", "identifier",
           "金税发票号|增值税发票号|税票号|Fapiao|Fapiao No|Tax invoice number"),
        _f("fapiao_date", "Fapiao date", "税票日期", "date", "Fapiao issue date"),
        _f("order_number", "Order number", "订单号", "identifier",
           "订单编号|销售订单|销售订单号|Order|Order No|Sales order|PO|PO number"),
        _f("notes", "Notes", "备注", "text", _NOTES),
    ),
    "payments": (
        _f("date", "Date", "收款日期", "date",
           "日期|交易日期|记账日期|到账日期|回款日期|Payment date|Receipt date|Value date|"
           "Transaction date|Booking date", required=True),
        _f("customer", "Customer", "客户", "text", _CUSTOMER_REF, required=True),
        _f("amount", "Amount", "金额", "amount",
           "收款金额|回款金额|收入金额|贷方发生额|贷方金额|到账金额|Total|Credit|Credit amount|"
           "Payment amount|Received", required=True),
        _f("currency", "Currency", "币种", "text", _CURRENCY),
        _f("method", "Method", "收款方式", "choice",
           "付款方式|结算方式|支付方式|Payment method|Payment type", choices=PAYMENT_METHODS),
        _f("reference", "Reference", "摘要", "text",
           "附言|用途|备注|交易流水号|流水号|凭证号|Ref|Description|Purpose|Memo|Remark|Notes"),
        _f("payer_name", "Payer name", "付款人", "text",
           "付款人名称|付款方|汇款人|Payer|Remitter|Counterparty|Counterparty name"),
        _f("bank_account", "Bank account", "对方账号", "identifier",
           "银行账号|付款账号|账号|Account number|Payer account|Counterparty account|IBAN"),
        _f("invoice_numbers", "Invoice numbers", "发票号", "text",
           "发票号码|核销发票|核销单号|账单号|Invoice No|Invoice number|Invoice|Invoices|"
           "Applied to"),
    ),
    "orders": (
        _f("order_number", "Order number", "订单号", "identifier",
           "订单编号|销售订单|销售订单号|单号|单据编号|Order|Order No|Order ID|Sales order|"
           "Invoice No|InvoiceNo", required=True),
        _f("customer", "Customer", "客户", "text", _CUSTOMER_REF, required=True),
        _f("order_date", "Order date", "订单日期", "date",
           "下单日期|日期|签订日期|Date|Invoice date", required=True),
        _f("delivery_date", "Delivery date", "交货日期", "date",
           "发货日期|送货日期|交期|Ship date|Shipped date|Required date"),
        _f("item", "Item", "商品", "text",
           "品名|商品名称|产品|产品名称|货品|物料|规格|Product|Product name|Description|"
           "Item name|SKU", required=True),
        _f("quantity", "Quantity", "数量", "decimal", "Qty|Units", required=True),
        _f("unit_price", "Unit price", "单价", "decimal",
           "含税单价|销售单价|Price|UnitPrice", required=True),
        _f("tax_rate", "Tax rate", "税率", "decimal", "增值税率|VAT rate|Tax %"),
        _f("unit_cost", "Unit cost", "成本单价", "decimal", "单位成本|成本|Cost|Cost price"),
        _f("currency", "Currency", "币种", "text", _CURRENCY),
        _f("contract_ref", "Contract number", "合同编号", "identifier",
           "合同|合同号|Contract|Contract ref|Contract No"),
        _f("payment_terms", "Payment terms", "付款条件", "text", _TERMS),
    ),
    "opening_balances": (
        _f("customer", "Customer", "客户", "text", _CUSTOMER_REF, required=True),
        _f("document_number", "Document number", "单据号", "identifier",
           "单据编号|发票号|发票号码|单号|凭证号|Invoice No|Invoice number|Document|Doc No|"
           "Reference", required=True),
        _f("document_date", "Document date", "单据日期", "date",
           "日期|开票日期|发票日期|Date|Invoice date", required=True),
        _f("due_date", "Due date", "到期日", "date", "应收日期|到期日期|Due"),
        _f("amount", "Amount", "金额", "amount",
           "余额|未收金额|欠款|期初余额|应收余额|Balance|Outstanding|Open amount|Total",
           required=True),
        _f("currency", "Currency", "币种", "text", _CURRENCY),
    ),
}  # fmt: skip
"""The fields of every import kind, in the order the wizard shows them."""

ONE_OF_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "invoices": (("amount", "net"),),
}
"""Groups of fields of which at least one must be mapped and filled (first one is reported)."""


def known_headers(kind: str | None = None) -> set[str]:
    """Every header name of one kind (or of all kinds), for ``find_header_row``.

    Args:
        kind: an import kind from :data:`KINDS`; ``None`` for all kinds.

    Returns:
        The labels and synonyms as written (``find_header_row`` normalizes them).
    """
    kinds = KINDS.values() if kind is None else (KINDS[kind],)
    return {name for specs in kinds for spec in specs for name in spec.names}


@dataclass
class Mapping:
    """Which column (zero-based index) holds which field.

    Attributes:
        kind: the import kind.
        columns: field key → zero-based column index.
        unmapped_headers: labels of non-empty header cells that no field uses.
        missing_required: required field keys without a column.
        confidence: field key → 0..1 (1.0 exact name, less for a label that contains a name,
            1.0 for a column set by the user or loaded from a template).
    """

    kind: str
    columns: dict[str, int] = field(default_factory=dict)
    unmapped_headers: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)

    def assign(self, key: str, column: int | None, headers: Sequence[object]) -> Mapping:
        """A copy with ``key`` moved to ``column`` (a user's correction).

        Args:
            key: a field key of this kind.
            column: zero-based column index, or ``None``.
            headers: the header row, to recompute the unmapped labels.

        Returns:
            The corrected mapping.

        Raises:
            KeyError: for a field key the kind does not have.
        """
        if key not in {spec.key for spec in KINDS[self.kind]}:
            raise KeyError(f"{self.kind} have no field {key!r}")
        columns = {k: c for k, c in self.columns.items() if k != key and c != column}
        confidence = {k: v for k, v in self.confidence.items() if k in columns}
        if column is not None:
            columns[key] = column
            confidence[key] = 1.0
        return _finish(self.kind, columns, confidence, headers)

    def for_headers(self, headers: Sequence[object]) -> Mapping:
        """The same columns checked against another header row (a template applied to a file).

        Args:
            headers: the header row of the file being imported.

        Returns:
            A mapping with the unmapped labels and missing required fields recomputed.
        """
        return _finish(self.kind, dict(self.columns), dict(self.confidence), headers)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for saving the mapping as a named template."""
        data: dict[str, Any] = {"version": 1, "kind": self.kind, "columns": dict(self.columns)}
        data["unmapped_headers"] = list(self.unmapped_headers)
        data["missing_required"] = list(self.missing_required)
        data["confidence"] = dict(self.confidence)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        """Rebuild a mapping saved with :meth:`to_dict`.

        Args:
            data: the saved dictionary.

        Returns:
            The mapping.

        Raises:
            ValueError: for an unknown kind or field, a bad column index, or one column used twice.
        """
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown import kind {kind!r}")
        keys = {spec.key for spec in KINDS[kind]}
        columns: dict[str, int] = {}
        for key, column in dict(data.get("columns", {})).items():
            if key not in keys:
                raise ValueError(f"{kind} have no field {key!r}")
            if isinstance(column, bool) or not isinstance(column, int) or column < 0:
                raise ValueError(f"bad column index {column!r} for {key!r}")
            columns[key] = column
        if len(set(columns.values())) != len(columns):
            raise ValueError("one column is mapped to two fields")
        confidence = {k: float(v) for k, v in dict(data.get("confidence", {})).items()}
        return cls(
            kind,
            columns,
            [str(h) for h in data.get("unmapped_headers", [])],
            [str(k) for k in data.get("missing_required", [])],
            {k: confidence.get(k, 1.0) for k in columns},
        )


def _missing(kind: str, columns: dict[str, int]) -> list[str]:
    missing = [s.key for s in KINDS[kind] if s.required and s.key not in columns]
    for group in ONE_OF_REQUIRED.get(kind, ()):
        if not any(key in columns for key in group):
            missing.append(group[0])
    return missing


def _finish(
    kind: str, columns: dict[str, int], confidence: dict[str, float], headers: Sequence[object]
) -> Mapping:
    used = set(columns.values())
    unmapped = [
        str(h).strip() for i, h in enumerate(headers) if i not in used and normalize_header(h) != ""
    ]
    order = {spec.key: n for n, spec in enumerate(KINDS[kind])}
    columns = dict(sorted(columns.items(), key=lambda kv: order[kv[0]]))
    return Mapping(kind, columns, unmapped, _missing(kind, columns), confidence)


def guess_mapping(headers: Sequence[object], kind: str) -> Mapping:
    """Guess which column holds which field from the header labels.

    Labels are compared after :func:`~desktop_ar.io.excel.header.normalize_header` (full-width
    to half-width, spaces and ideographic spaces, ``*`` and colons removed, lower case). Exact
    matches with a field's names come first (confidence 1.0); then a label that contains a name,
    such as ``客户名称(全称)``, the longest contained name winning (confidence 0.5–0.9). A column
    is mapped to at most one field and a field to at most one column (the leftmost on a tie).

    Args:
        headers: the header row cells (``None`` for empty cells).
        kind: an import kind from :data:`KINDS`.

    Returns:
        The guessed mapping.

    Raises:
        KeyError: for an unknown kind.
    """
    specs = KINDS[kind]
    labels = [normalize_header(h) for h in headers]
    names = [(spec.key, {normalize_header(n) for n in spec.names} - {""}) for spec in specs]
    columns: dict[str, int] = {}
    confidence: dict[str, float] = {}
    # Exact matches: a field's own labels beat its synonyms (both score 1.0).
    for column, label in enumerate(labels):
        if not label:
            continue
        for key, wanted in names:
            if key not in columns and label in wanted:
                columns[key] = column
                confidence[key] = 1.0
                break
    used = set(columns.values())
    candidates: list[tuple[float, int, int, str]] = []
    for column, label in enumerate(labels):
        if not label or column in used:
            continue
        for rank, (key, wanted) in enumerate(names):
            if key in columns:
                continue
            best = max((len(n) for n in wanted if _contained(n, label)), default=0)
            if best:
                candidates.append((-best / len(label), column, rank, key))
    for score, column, _, key in sorted(candidates):
        if key in columns or column in used:
            continue
        columns[key] = column
        used.add(column)
        confidence[key] = round(0.5 - 0.4 * score, 2)
    return _finish(kind, columns, confidence, headers)


def _contained(name: str, label: str) -> bool:
    minimum = _MIN_CONTAINED_ASCII if name.isascii() else _MIN_CONTAINED
    return len(name) >= minimum and name in label and name != label


def header_signature(headers: Sequence[object]) -> str:
    """A stable fingerprint of a header row, to offer a saved template again.

    Labels are normalized (so ``金额\u3000`` and ``金额`` are the same) and trailing empty cells
    are ignored; order matters.

    Args:
        headers: the header row cells.

    Returns:
        A hex SHA-256 digest.
    """
    labels = [normalize_header(h) for h in headers]
    while labels and not labels[-1]:
        labels.pop()
    return hashlib.sha256("\x1f".join(labels).encode("utf-8")).hexdigest()
