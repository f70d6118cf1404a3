"""Dunning levels and templates: validation, permission, audit and the placeholder check."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop_ar.db.models import AuditEntry
from desktop_ar.domain.errors import NotFound, PermissionDenied, UserFacingError
from desktop_ar.services.dunning_levels import (
    get_template,
    list_levels,
    save_template,
    update_level,
)
from desktop_ar.services.uow import reader
from tests.services.helpers import audit_count


def as_collector(ctx: object) -> object:
    return dataclasses.replace(ctx, role="collector")


def last_audit(ctx: object, action: str) -> AuditEntry:
    with reader(ctx) as s:
        return (
            s.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
            )
            .scalars()
            .first()
        )


def test_the_five_default_levels(ctx: object) -> None:
    levels = list_levels(ctx)
    assert [lv.level for lv in levels] == [1, 2, 3, 4, 5]
    assert [lv.days_overdue for lv in levels] == [1, 15, 30, 60, 90]
    final = levels[3]
    assert (final.fee, final.interest_rate) == (Decimal("50.00"), Decimal("0.10"))
    assert final.name("zh") == "最后催款通知"
    assert final.name("en") == "Final notice"
    assert dataclasses.replace(final, name_zh=" ").name("zh") == "Final notice"


def test_update_level_saves_audits_and_bumps_the_version(ctx: object) -> None:
    before = list_levels(ctx)[1]
    level, changes = update_level(
        ctx, 2, name_zh="第一次催款", fee="12.50", interest_rate=Decimal("0.02"), days_overdue=20
    )
    assert changes.settings
    assert (level.name_zh, level.fee, level.interest_rate, level.days_overdue) == (
        "第一次催款",
        Decimal("12.50"),
        Decimal("0.02"),
        20,
    )
    assert level.version_id == before.version_id + 1
    assert list_levels(ctx)[1] == level
    row = last_audit(ctx, "update_dunning_level")
    assert row.entity_id == "2"
    assert json.loads(row.before) == {
        "days_overdue": 15,
        "fee": "0",
        "interest_rate": "0",
        "name_zh": "第一次催款通知",
    }
    assert json.loads(row.after)["fee"] == "12.50"


def test_nothing_changed_writes_nothing(ctx: object) -> None:
    count = audit_count(ctx, "update_dunning_level")
    level, changes = update_level(ctx, 3, days_overdue=30)
    assert not changes
    assert level.version_id == 1
    assert audit_count(ctx, "update_dunning_level") == count


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"fee": "-1"}, "fee: must not be negative"),
        ({"fee": "1.005"}, "more than 2 decimals"),
        ({"fee": "abc"}, "is not a number"),
        ({"interest_rate": "10"}, "between 0 and 1"),
        ({"interest_rate": "-0.01"}, "between 0 and 1"),
        ({"days_overdue": -1}, "must not be negative"),
        ({"days_overdue": 30}, "level 3 (30 days) must start later than level 2 (30 days)"),
        ({"days_overdue": 1}, "level 2 (1 days) must start later than level 1 (1 days)"),
        ({"name_en": "  "}, "English name: must not be empty"),
        ({"name_zh": "长" * 61}, "longer than 60"),
    ],
)
def test_level_values_are_checked(ctx: object, values: dict, message: str) -> None:
    with pytest.raises(UserFacingError) as err:
        update_level(ctx, 2, **values)
    assert message in err.value.message
    assert list_levels(ctx)[1].version_id == 1


def test_floats_are_refused(ctx: object) -> None:
    with pytest.raises(TypeError):
        update_level(ctx, 4, fee=50.0)  # type: ignore[arg-type]


def test_order_counts_only_active_levels(ctx: object) -> None:
    update_level(ctx, 3, active=False)
    level, _ = update_level(ctx, 2, days_overdue=45)  # between 15 and 60, level 3 is off
    assert level.days_overdue == 45
    with pytest.raises(UserFacingError, match=r"level 3 .* must start later than level 2"):
        update_level(ctx, 3, active=True)


def test_unknown_level(ctx: object) -> None:
    with pytest.raises(NotFound):
        update_level(ctx, 8, fee="1")
    with pytest.raises(NotFound):
        get_template(ctx, 8, "en")


def test_a_collector_may_not_change_levels_or_templates(ctx: object) -> None:
    collector = as_collector(ctx)
    with pytest.raises(PermissionDenied):
        update_level(collector, 4, fee="99")
    with pytest.raises(PermissionDenied):
        save_template(collector, 4, "en", "letter", subject="x", body="y")
    assert list_levels(ctx)[3].fee == Decimal("50.00")
    assert get_template(ctx, 4, "en").subject.startswith("Final notice")
    assert audit_count(ctx, "update_dunning_level") == 0
    assert audit_count(ctx, "save_dunning_template") == 0
    assert audit_count(ctx, "permission_denied") == 2
    # Reading is open to every role.
    assert len(list_levels(collector)) == 5


def test_default_templates_use_known_placeholders(ctx: object) -> None:
    for level in range(1, 6):
        for lang in ("en", "zh"):
            for channel in ("letter", "email"):
                t = get_template(ctx, level, lang, channel)
                assert "{items}" in t.body
                assert t.updated_at is None
                save_template(ctx, level, lang, channel, subject=t.subject, body=t.body)
    assert audit_count(ctx, "save_dunning_template") == 0  # unchanged: nothing written


def test_save_template_stores_and_audits(ctx: object) -> None:
    body = "Dear {contact_name},\n\n{items}\n\nPay {total_due} by {pay_by}. {{Thanks}}"
    changes = save_template(ctx, 2, "en", "email", subject="Reminder {customer_code}", body=body)
    assert changes.settings
    t = get_template(ctx, 2, "en", "email")
    assert (t.subject, t.body, t.updated_by) == ("Reminder {customer_code}", body, "tester")
    assert t.updated_at is not None
    row = last_audit(ctx, "save_dunning_template")
    assert row.entity_id == "2/en/email"
    assert json.loads(row.after)["body"] == body
    assert "{items}" in json.loads(row.before)["body"]


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("ok", "Dear {name}, pay {amount}", "body: unknown placeholder(s) {name}, {amount}"),
        ("Hi {customer}", "x", "subject: unknown placeholder(s) {customer}"),
        ("ok", "Pay {total_due:>12}", "unknown placeholder(s) {total_due:>12}"),
        ("ok", "a } b", "unknown placeholder(s) }"),
        ("ok", "  \n ", "body: must not be empty"),
        ("two\nlines", "x", "subject: must be one line"),
        ("{items}", "x", "belongs in the body"),
    ],
)
def test_bad_templates_are_refused(ctx: object, subject: str, body: str, message: str) -> None:
    before = get_template(ctx, 1, "zh")
    with pytest.raises(UserFacingError) as err:
        save_template(ctx, 1, "zh", "letter", subject=subject, body=body)
    assert message in err.value.message
    assert get_template(ctx, 1, "zh") == before


def test_refusal_lists_the_allowed_placeholders(ctx: object) -> None:
    with pytest.raises(UserFacingError) as err:
        save_template(ctx, 1, "en", "letter", subject="", body="{foo}")
    text = err.value.message
    assert err.value.code == "unknown_placeholders"
    assert "{contact_name}" in text and "{item_count}" in text and "{{" in text


def test_unknown_language_or_channel(ctx: object) -> None:
    with pytest.raises(UserFacingError, match="language"):
        get_template(ctx, 1, "fr")
    with pytest.raises(UserFacingError, match="channel"):
        save_template(ctx, 1, "en", "fax", subject="", body="x")
