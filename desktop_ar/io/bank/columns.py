"""Which column of a bank's CSV or Excel export holds which field of a bank line.

The field specs reuse :class:`~desktop_ar.io.excel.mapping.FieldSpec`; names are compared with
:func:`~desktop_ar.io.excel.header.normalize_header` (full-width, ideographic spaces and colons
folded). The guess ranks exact names by their order in the spec (``记账金额`` before
``交易金额``: the booked amount in the account's currency beats the amount in the currency of the
purchase), then labels that contain a name; each column serves one field, except ``memo``, which
collects every text column that describes the line (摘要, 附言, 备注…).

A mapping is a plain ``dict``: field key → zero-based column index (``memo`` → list of
indexes), so a wizard can show it, the user can correct it, and a saved template can replace it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import FieldKind, FieldSpec

__all__ = [
    "BANK_FIELDS",
    "CREDIT_WORDS",
    "DEBIT_WORDS",
    "FAILED_STATUS",
    "NEUTRAL_WORDS",
    "BankMapping",
    "bank_headers",
    "direction_of",
    "guess_bank_mapping",
]

_MIN_CONTAINED = 2
_MIN_CONTAINED_ASCII = 4


def _f(key: str, en: str, zh: str, kind: FieldKind, synonyms: str) -> FieldSpec:
    return FieldSpec(key, en, zh, kind, False, tuple(s for s in synonyms.split("|") if s))


BANK_FIELDS: tuple[FieldSpec, ...] = (
    _f("date", "Transaction date", "交易日期", "date",
       "交易日|交易时间|Transaction date|Trans date|Date|Datum|Transactiedatum|Дата операции|"
       "Дата совершения операции|Trade date|日期"),
    _f("booking_date", "Booking date", "记账日期", "date",
       "记账日|入账日期|银行记账日|入账日|Posting date|Post date|Date posted|Booking date|"
       "Buchungsdatum|Boekdatum|Дата обработки|Дата обработки операции"),
    _f("value_date", "Value date", "起息日", "date",
       "起息日期|价值日期|Valutadatum|Wertstellung|Valuta|Value"),
    _f("amount", "Amount", "记账金额", "amount",
       "入账金额|结算金额|入账币种/金额|人民币金额|Сумма пересчитанная в валюту счета|"
       "Сумма в валюте счета|交易金额|发生额|金额|金额(元)|交易币种/金额|Сумма операции|Сумма|"
       "Transaction amount|Billing amount|Betrag|Bedrag|Bedrag (EUR)|Umsatz"),
    _f("debit", "Debit", "支出", "amount",
       "支出金额|借方发生额|借方金额|借方|记账金额(支出)|交易金额(支出)|取出金额|付出|"
       "Debit amount|Withdrawal|Withdrawals|Paid out|Money out|Soll|Расход|Списание|Списания"),
    _f("credit", "Credit", "收入", "amount",
       "收入金额|存入|存入金额|贷方发生额|贷方金额|贷方|记账金额(收入)|交易金额(收入)|"
       "Credit amount|Deposit|Deposits|Paid in|Money in|Haben|Приход|Поступление|Поступления"),
    _f("direction", "Debit/credit flag", "收/支", "choice",
       "收支|收支类型|借贷|借贷标志|借贷方向|交易方向|资金方向|C/D|D/C|CreditDebet|Af Bij|"
       "Credit / Debit|Debit/Credit|Credit/Debit|Dr/Cr|Soll/Haben"),
    _f("currency", "Currency", "币种", "text",
       "记账币种|入账货币|结算币种|币别|货币|交易币种|交易货币|Billing currency|Valutacode|"
       "Währung|Waehrung|Валюта счета|Валюта|Валюта операции"),
    _f("balance", "Balance", "余额", "amount",
       "账户余额|本次余额|联机余额|交易后余额|Saldo|Остаток|Saldo na mutatie"),
    _f("counterparty_name", "Counterparty", "对方户名", "text",
       "对方账户名|对方名称|交易对方|交易对手名称|对手户名|对方单位|对手信息|Counterparty name|"
       "Payee|Payer|Merchant name|Tegenrekeninghouder|Naam / Omschrijving|Auftraggebername|"
       "Name|Naam"),
    _f("counterparty_account", "Counterparty account", "对方账号", "identifier",
       "对方卡号/账号|对方账户|交易对手账号|对手账号|对方帐号|Counterparty account|Tegenrekening|"
       "Tegenrekeningnummer|Auftraggeber IBAN/Kto.Nr.|Contra account"),
    _f("reference", "Reference", "商户单号", "identifier",
       "商家订单号|商户订单号|订单号|客户参考号|业务参考号|Referentie|Reference|Ref|"
       "Zahlungsreferenz|Payment reference"),
    _f("bank_reference", "Bank reference", "交易流水号", "identifier",
       "流水号|交易单号|交易订单号|交易参考号|日志号|凭证号|Transaction ID|Референс проводки|"
       "Код авторизации"),
    _f("memo", "Memo", "摘要", "text",
       "交易摘要|附言|交易附言|用途|备注|交易说明|交易描述|交易详情|商品说明|商品|客户摘要|"
       "交易名称|交易场所|交易地点|Description|Memo|Details|Narrative|Text|Omschrijving|"
       "Mededelingen|Buchungstext|Umsatztext|Verwendungszweck|Описание операции|Описание|"
       "Основание|Remarks|Remark|Purpose"),
    _f("transaction_code", "Transaction type", "交易类型", "text",
       "交易分类|业务类型|Type|Transaction type|Code|MutatieSoort|Betaalwijze|Type betaling|"
       "Тип операции"),
    _f("status", "Status", "交易状态", "text", "当前状态|状态|Transaction status|Статус"),
    _f("account", "Account", "账号", "identifier",
       "本方账号|账户|卡号|借记卡号|Account|Account number|Rekening|Rekeningnummer|Kontonummer|"
       "Номер счета|Номер карты|Номер карты/счета/договора|Card #|Card number|First Bank Card"),
)  # fmt: skip
"""The fields of a bank line in a table, in the order the wizard shows them."""

# Header names that look like a field but are not one: they claim their column so that a
# "contains" match cannot give it to a field (卡号后四位 is not the account, 记账时间 not a date).
_IGNORED = (
    "卡号后四位", "卡号末四位", "卡末四位", "卡号后4位", "记账时间", "钞/汇", "序号", "顺序号",
    "Item #", "交易国家或地区简称", "交易渠道", "渠道", "网点名称", "对方开户行", "对方银行",
    "支付方式",
    "收/付款方式", "Country / region", "Area / district", "Тип карты", "Город совершения операции",
    "Страна совершения операции", "Balance currency", "交易地金额", "Auftraggeber BIC/BLZ",
    "Empfängername", "Empfänger IBAN/Kto.Nr.", "Empfänger BIC/BLZ", "Umsatzzeit", "Auszugsnummer",
    "Machtigingsnummer", "Incassant ID", "Adres", "Тип счёта",
)  # fmt: skip

CREDIT_WORDS = frozenset(
    {"收", "收入", "贷", "贷方", "贷cr", "入", "存入", "来账", "c", "cr", "credit", "bij",
     "haben", "h", "приход", "зачисление", "in", "+"}
)  # fmt: skip
DEBIT_WORDS = frozenset(
    {"支", "支出", "借", "借方", "借dr", "出", "取出", "往账", "d", "dr", "debit", "af", "soll",
     "s", "расход", "списание", "out", "-"}
)  # fmt: skip
NEUTRAL_WORDS = frozenset({"/", "不计收支", "中性交易", "其他"})
FAILED_STATUS = frozenset(
    {"交易关闭", "交易失败", "已关闭", "失败", "已撤销", "已退回", "支付失败", "failed",
     "cancelled", "canceled", "declined", "rejected", "reversed", "отклонено", "отменено"}
)  # fmt: skip


def direction_of(value: object) -> int | None:
    """``1`` for a credit flag (收入, C, Bij, 贷 Cr…), ``-1`` for debit, ``0`` for neutral.

    Args:
        value: the flag cell.

    Returns:
        The sign, ``0`` for 不计收支 / 中性交易 / ``/``, ``None`` for empty or unknown text.
    """
    if value is None:
        return None
    raw = str(value).strip()
    if raw in NEUTRAL_WORDS:
        return 0
    text = normalize_header(raw)
    if not text:
        return None
    if text in CREDIT_WORDS or text.startswith(("贷", "收入")):
        return 1
    if text in DEBIT_WORDS or text.startswith(("借", "支出")):
        return -1
    return None


@dataclass
class BankMapping:
    """Which column holds which field of a bank line.

    Attributes:
        columns: field key → zero-based column index (``memo`` not included).
        memo_columns: the columns whose text is joined into the memo, in order.
        confidence: field key → 0..1 (1.0 for an exact header name or a user's choice).
        source: ``"header"`` (guessed from header names), ``"content"`` (a file without a header,
            guessed from the values) or ``"explicit"`` (given by the caller or a template).
        reasons: sentences explaining a content-based guess.
    """

    columns: dict[str, int] = field(default_factory=dict)
    memo_columns: list[int] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    source: str = "header"
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, int | list[int]]:
        """The mapping as ``{field: column}`` with ``"memo": [columns]``, for templates."""
        data: dict[str, int | list[int]] = dict(self.columns)
        if self.memo_columns:
            data["memo"] = list(self.memo_columns)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, int | list[int]]) -> BankMapping:
        """Build an explicit mapping from ``{field: column}`` (``memo`` may be a list).

        Raises:
            ValueError: for an unknown field, a negative or non-integer column, or one column
                used for two fields.
        """
        keys = {spec.key for spec in BANK_FIELDS}
        columns: dict[str, int] = {}
        memo: list[int] = []
        for key, value in data.items():
            if key not in keys:
                raise ValueError(f"bank lines have no field {key!r}")
            values = value if isinstance(value, list) else [value]
            for column in values:
                if isinstance(column, bool) or not isinstance(column, int) or column < 0:
                    raise ValueError(f"bad column index {column!r} for {key!r}")
            if key == "memo":
                memo = list(values)
            elif isinstance(value, list):
                raise ValueError(f"only memo may take several columns, not {key!r}")
            else:
                columns[key] = value
        used = list(columns.values()) + memo
        if len(set(used)) != len(used):
            raise ValueError("one column is mapped to two fields")
        return cls(columns, memo, dict.fromkeys(columns, 1.0), "explicit")

    def has_amount(self) -> bool:
        """Whether an amount can be read: one signed column, or debit and credit columns."""
        return "amount" in self.columns or {"debit", "credit"} <= set(self.columns)

    def has_date(self) -> bool:
        """Whether a date can be read."""
        return bool({"date", "booking_date"} & set(self.columns))


def bank_headers() -> set[str]:
    """Every header name of a bank line (for ``find_header_row``)."""
    return {name for spec in BANK_FIELDS for name in spec.names}


def _contained(name: str, label: str) -> bool:
    minimum = _MIN_CONTAINED_ASCII if name.isascii() else _MIN_CONTAINED
    return len(name) >= minimum and name in label and name != label


def guess_bank_mapping(headers: Sequence[object]) -> BankMapping:
    """Guess the columns of a bank export from its header row.

    Args:
        headers: the header cells.

    Returns:
        The mapping (``source="header"``); check :meth:`BankMapping.has_amount` and
        :meth:`BankMapping.has_date` before using it.
    """
    labels = [normalize_header(h) for h in headers]
    ignored = {normalize_header(n) for n in _IGNORED}
    specs = [(s.key, [normalize_header(n) for n in s.names]) for s in BANK_FIELDS]
    candidates: list[tuple[float, int, str]] = []
    for column, label in enumerate(labels):
        if not label:
            continue
        if label in ignored:
            candidates.append((2000.0, column, "_ignored"))
            continue
        for key, names in specs:
            if label in names:
                candidates.append((1000.0 - names.index(label), column, key))
                continue
            best = max((len(n) for n in names if _contained(n, label)), default=0)
            if best:
                candidates.append((100.0 * best / len(label), column, key))
    # A column whose label is exactly a field's name is kept for exact matches: when that field
    # is taken by a better column (交易币种/金额 losing "amount" to 入账币种/金额), the column must
    # not fall to a field whose name it merely contains (币种).
    exact = {column for score, column, _ in candidates if score >= 900}
    candidates = [c for c in candidates if c[0] >= 900 or c[1] not in exact]
    mapping = BankMapping()
    used: set[int] = set()
    for score, column, key in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if column in used or key in mapping.columns:
            continue
        used.add(column)
        if key == "memo":
            mapping.memo_columns.append(column)
        elif key != "_ignored":
            mapping.columns[key] = column
            mapping.confidence[key] = 1.0 if score >= 900 else round(score / 100, 2)
    mapping.memo_columns.sort()
    cols = mapping.columns
    if {"debit", "credit"} <= set(cols):
        cols.pop("amount", None)
    elif "amount" in cols:
        for key in ("debit", "credit"):
            cols.pop(key, None)
    return mapping
