"""printed documents and dunning levels

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

The letterhead's logo and default paper size on the company settings, and the dunning levels
(reminder, first, second, final notice, legal) with their days overdue, fee and annual interest
rate, each with an editable letter and email template in English and Chinese. The default
levels and texts are written here (frozen: later changes to the application's defaults do not
alter this revision). Existing tables only gain columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desktop_ar.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_LEVELS = [
    # level, English name, Chinese name, days overdue, fee, annual interest rate
    (1, "Payment reminder", "付款提醒", 1, "0", "0"),
    (2, "First notice", "第一次催款通知", 15, "0", "0"),
    (3, "Second notice", "第二次催款通知", 30, "0", "0.05"),
    (4, "Final notice", "最后催款通知", 60, "50.00", "0.10"),
    (5, "Legal action notice", "法律程序前通知", 90, "100.00", "0.10"),
]

_EN_OPEN = {
    1: "We would like to remind you that the following invoices of {customer_name} "
    "({customer_code}) were due for payment and, as of {as_of}, our records show them as unpaid:",
    2: "Despite our reminder, the following invoices of {customer_name} ({customer_code}) remain "
    "unpaid as of {as_of}:",
    3: "This is our second notice. The following invoices of {customer_name} ({customer_code}) are "
    "now well overdue as of {as_of}, and interest is charged on the overdue amounts:",
    4: "FINAL NOTICE. The following invoices of {customer_name} ({customer_code}) are seriously "
    "overdue as of {as_of}. Interest and a reminder fee are charged as shown:",
    5: "The following invoices of {customer_name} ({customer_code}) remain unpaid as of {as_of} "
    "despite our repeated notices. Interest and fees are charged as shown:",
}
_EN_CLOSE = {
    1: "If you have already paid, thank you, and please disregard this reminder. Otherwise we "
    "would be grateful for payment of {total_due} by {pay_by}.",
    2: "Please pay {total_due} by {pay_by}, or tell us at once if there is a reason the invoices "
    "cannot be paid.",
    3: "Please pay {total_due} (including interest of {interest_total}) by {pay_by}.",
    4: "Please pay {total_due} (overdue {overdue_total}, interest {interest_total}, fee {fee}) by "
    "{pay_by}. Further deliveries may be held until the account is settled.",
    5: "Unless {total_due} (overdue {overdue_total}, interest {interest_total}, fee {fee}) is "
    "received by {pay_by}, we will pass the matter to our lawyers without further notice.",
}
_ZH_OPEN = {
    1: "截至{as_of}，贵司（{customer_name}，客户编号{customer_code}）以下账单已到期，我司尚未收到付款：",
    2: "我司已发出付款提醒，但截至{as_of}，贵司（{customer_name}，客户编号{customer_code}）以下账单仍未支付：",
    3: "这是我司第二次催款通知。截至{as_of}，贵司（{customer_name}，客户编号{customer_code}）以下账单已逾期较久，"
    "逾期金额按规定计收利息：",
    4: "最后催款通知。截至{as_of}，贵司（{customer_name}，客户编号{customer_code}）以下账单已严重逾期，"
    "利息及催款费用如下：",
    5: "截至{as_of}，尽管我司多次催告，贵司（{customer_name}，客户编号{customer_code}）以下账单仍未支付，"
    "利息及费用如下：",
}
_ZH_CLOSE = {
    1: "如贵司已付款，谨致谢意，请忽略本提醒；如尚未付款，请于{pay_by}前支付{total_due}。",
    2: "请于{pay_by}前支付{total_due}；如有任何原因无法付款，请尽快与我司联系。",
    3: "请于{pay_by}前支付{total_due}（含利息{interest_total}）。",
    4: "请于{pay_by}前支付{total_due}（逾期金额{overdue_total}，利息{interest_total}，费用{fee}）。"
    "在账款结清之前，我司可能暂停发货。",
    5: "如我司于{pay_by}前仍未收到{total_due}（逾期金额{overdue_total}，利息{interest_total}，"
    "费用{fee}），我司将不再另行通知，直接委托律师处理。",
}


def _templates() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for level, name_en, name_zh, *_ in _LEVELS:
        en_letter = (
            f"Dear {{contact_name}},\n\n{_EN_OPEN[level]}\n\n{{items}}\n\n{_EN_CLOSE[level]}\n\n"
            "Yours sincerely,\n{company_name}"
        )
        zh_letter = (
            f"尊敬的{{contact_name}}：\n\n{_ZH_OPEN[level]}\n\n{{items}}\n\n{_ZH_CLOSE[level]}\n\n"
            "此致\n敬礼\n\n{company_name}"
        )
        en_subject = f"{name_en}: overdue invoices of {{customer_name}} ({{customer_code}})"
        zh_subject = f"{name_zh}：{{customer_name}}逾期账单"
        en_email = (
            f"Dear {{contact_name}},\n\n{_EN_OPEN[level]}\n\n{{items}}\n\n{_EN_CLOSE[level]}\n\n"
            "The letter is attached as a PDF.\n\nKind regards,\n{company_name}"
        )
        zh_email = (
            f"尊敬的{{contact_name}}：\n\n{_ZH_OPEN[level]}\n\n{{items}}\n\n{_ZH_CLOSE[level]}\n\n"
            "催款函详见附件（PDF）。\n\n{company_name}"
        )
        for lang, channel, subject, body in (
            ("en", "letter", en_subject, en_letter),
            ("zh", "letter", zh_subject, zh_letter),
            ("en", "email", en_subject, en_email),
            ("zh", "email", zh_subject, zh_email),
        ):
            rows.append(
                {
                    "level": level,
                    "lang": lang,
                    "channel": channel,
                    "subject": subject,
                    "body": body,
                    "updated_at": None,
                    "updated_by": "",
                    "version_id": 1,
                }
            )
    return rows


def upgrade() -> None:
    levels = op.create_table(
        "dunning_levels",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("fee", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("interest_rate", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("days_overdue >= 0", name=op.f("ck_dunning_levels_days_nonneg")),
        sa.CheckConstraint("length(trim(name_en)) > 0", name=op.f("ck_dunning_levels_name_set")),
        sa.CheckConstraint("level BETWEEN 1 AND 9", name=op.f("ck_dunning_levels_level_range")),
        sa.PrimaryKeyConstraint("level", name=op.f("pk_dunning_levels")),
        sqlite_strict=True,
    )
    templates = op.create_table(
        "dunning_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('letter', 'email')", name=op.f("ck_dunning_templates_channel")
        ),
        sa.CheckConstraint("lang IN ('en', 'zh')", name=op.f("ck_dunning_templates_lang")),
        sa.ForeignKeyConstraint(
            ["level"],
            ["dunning_levels.level"],
            name=op.f("fk_dunning_templates_level_dunning_levels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_templates")),
        sa.UniqueConstraint("level", "lang", "channel", name=op.f("uq_dunning_templates_level")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("company_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "paper",
                sa.String(length=6),
                sa.CheckConstraint(
                    "paper IN ('A4', 'Letter')", name=op.f("ck_company_settings_paper")
                ),
                server_default="A4",
                nullable=False,
            )
        )
    op.bulk_insert(
        levels,
        [
            {
                "level": level,
                "name_en": name_en,
                "name_zh": name_zh,
                "days_overdue": days,
                "fee": fee,
                "interest_rate": rate,
                "active": True,
                "updated_at": None,
                "version_id": 1,
            }
            for level, name_en, name_zh, days, fee, rate in _LEVELS
        ],
    )
    op.bulk_insert(templates, _templates())


def downgrade() -> None:
    with op.batch_alter_table("company_settings", schema=None) as batch_op:
        batch_op.drop_column("paper")
        batch_op.drop_column("logo")
    op.drop_table("dunning_templates")
    op.drop_table("dunning_levels")
