"""Normalising document numbers, names and accounts."""

from __future__ import annotations

import pytest

from desktop_ar.domain.matching.documents import FULL, PARTIAL, DocIndex
from desktop_ar.domain.matching.text import (
    account_key,
    digit_runs,
    doc_key,
    fold,
    name_core,
    name_tokens,
    squeeze,
    text_key,
)


def test_fold_and_squeeze() -> None:
    assert fold("ｉｎｖ－１０４３") == "INV-1043"
    assert squeeze(" inv / 1043 ") == "INV1043"
    assert account_key("NL91 abna-0417.1643 00") == "NL91ABNA0417164300"


@pytest.mark.parametrize(
    ("number", "parts"),
    [
        ("INV-001043", ("INV", "001043", "1043", "")),
        ("inv001043", ("INV", "001043", "1043", "")),
        ("ＩＮＶ－００１０４３", ("INV", "001043", "1043", "")),
        ("2026-INV-0001", ("2026INV", "0001", "1", "")),
        ("1043A", ("", "1043", "1043", "A")),
        ("44000001", ("", "44000001", "44000001", "")),
    ],
)
def test_doc_key(number: str, parts: tuple[str, str, str, str]) -> None:
    assert tuple(doc_key(number) or ()) == parts


def test_doc_key_without_digits() -> None:
    assert doc_key("ABC") is None


def test_digit_runs_mark_amounts_and_dates_loose() -> None:
    runs = {r.digits: r.loose for r in digit_runs("付 1,043.50 on 2026-06-30 ref 778899")}
    assert runs["778899"] is False
    assert runs["043"] is True and runs["50"] is True
    assert runs["2026"] is True and runs["30"] is True


INDEX = DocIndex([(1, "INV-1043"), (2, "INV-1044"), (3, "CN-1043"), (4, "20260001")])


@pytest.mark.parametrize(
    ("memo", "found"),
    [
        ("INV-1043", {1: FULL}),
        ("货款inv 1043号", {1: FULL}),
        ("INV-1043INV-1044", {1: FULL, 2: FULL}),
        ("CN 1043 credit", {3: FULL}),
        ("ref 1043", {1: PARTIAL, 3: PARTIAL}),
        ("XINV1043", {}),  # glued to a longer word: another identifier
        ("REF0001043", {}),
        ("货款1043", {1: PARTIAL, 3: PARTIAL}),
        ("INV-10430", {}),
        ("1,043.00", {}),
        ("20260001", {4: FULL}),
        ("X20260001", {4: FULL}),
        ("2026-0001", {}),
    ],
)
def test_doc_index_find(memo: str, found: dict[int, float]) -> None:
    assert INDEX.find(digit_runs(memo)) == found


def test_doc_index_full_only_and_cap() -> None:
    assert INDEX.find(digit_runs("ref 1043"), full_only=True) == {}
    crowded = DocIndex([(k, f"S{k}-1043") for k in range(30)], digits_cap=20)
    assert crowded.find(digit_runs("ref 1043")) == {}


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("上海明远贸易有限公司", "上海明远贸易"),
        ("北京华信科技股份有限公司", "北京华信科技"),
        ("明远（中国）有限责任公司", "明远中国"),
        ("上海 明远 贸易有限公司", "上海明远贸易"),
        ("ACME TRADING CO., LTD.", "acme trading"),
        ("Müller GmbH & Co. KG", "muller"),
        ("The Acme Company", "acme"),
        ("Ｓｉｅｍｅｎｓ　ＡＧ", "siemens"),
        ("公司", "公司"),
    ],
)
def test_name_core(name: str, core: str) -> None:
    assert name_core(name) == core


def test_name_tokens_and_text_key() -> None:
    assert name_tokens("上海明远贸易") == {"上海", "海明", "明远", "远贸", "贸易"}
    assert name_tokens("acme trading 2") == {"acme", "trading"}
    assert name_tokens("明远") == {"明远"}
    assert text_key("货款：上海明远贸易有限公司，INV-1043") == "货款上海明远贸易有限公司 inv 1043"
