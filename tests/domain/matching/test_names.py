"""Recognising customers by name: index look-ups, similarity, pinyin, names in memos."""

from __future__ import annotations

from desktop_ar.domain.matching.model import Customer
from desktop_ar.domain.matching.names import NameIndex, name_similarity
from desktop_ar.domain.matching.text import name_core, text_key

CUSTOMERS = [
    Customer(
        1, "C1", "上海明远贸易有限公司", "明远贸易", pinyin="shanghaimingyuanmaoyiyouxiangongsi"
    ),
    Customer(2, "C2", "北京明远贸易有限公司", "北京明远"),
    Customer(3, "C3", "ACME Trading Co., Ltd.", "ACME", payer_names=("John Smith",)),
    Customer(4, "C4", "深圳鑫源电子有限公司"),
]
INDEX = NameIndex(CUSTOMERS)


def test_lookup_exact_core_first_then_shared_tokens() -> None:
    assert INDEX.lookup(name_core("上海明远贸易股份有限公司"))[0] == 1
    assert set(INDEX.lookup(name_core("杭州明远贸易"))) == {1, 2}
    assert INDEX.lookup(name_core("john smith")) == [3]
    assert INDEX.lookup("") == []


def test_lookup_skips_tokens_shared_by_too_many() -> None:
    crowd = [
        Customer(i, f"C{i}", f"上海{chr(0x4E00 + i)}{chr(0x4E80 + i)}有限公司") for i in range(50)
    ]
    index = NameIndex(crowd, token_cap=10)
    assert index.lookup(name_core("上海")) == []  # "上海" names 50 customers: no evidence
    assert index.lookup(name_core(crowd[7].name)) == [7]


def test_similarity_percent_and_via() -> None:
    assert INDEX.similarity(name_core("上海明远贸易"), 1).percent == 100
    hit = INDEX.similarity(name_core("John Smith"), 3)
    assert (hit.percent, hit.via, hit.matched) == (100, "payer", "John Smith")
    near = INDEX.similarity(name_core("上海明远商贸有限公司"), 1)
    assert 60 <= near.percent < 100
    assert INDEX.similarity(name_core("ACME"), 1).percent < 30
    assert INDEX.similarity(name_core("x"), 99).percent == 0


def test_pinyin_with_stored_and_computed_pinyin() -> None:
    stored = INDEX.similarity(name_core("SHANGHAI MINGYUAN MAOYI CO LTD"), 1)
    assert (stored.percent, stored.via) == (100, "pinyin")
    computed = INDEX.similarity(name_core("Shenzhen Xinyuan Dianzi Co., Ltd."), 4)
    assert (computed.percent, computed.via) == (100, "pinyin")
    english = INDEX.similarity(name_core("SHANGHAI MINGYUAN TRADING"), 1)
    assert english.via == "pinyin" and 60 <= english.percent < 100


def test_named_in_and_found_in_memo() -> None:
    memo = text_key("货款 北京明远贸易有限公司 6月")
    assert 2 in INDEX.named_in(memo)
    assert INDEX.found_in(memo, 2).percent == 100
    short = INDEX.found_in(memo, 1)  # 明远贸易 stands inside 北京明远贸易有限公司 too
    assert (short.percent, short.via) == (90, "short")
    assert INDEX.found_in(text_key("明远"), 1).percent == 0  # too short to say


def test_found_in_never_drops_when_the_memo_grows() -> None:
    base = text_key("上海明远贸")
    grown = text_key("上海明远贸 易有限公司 INV-1")
    assert INDEX.found_in(grown, 1).percent >= INDEX.found_in(base, 1).percent


def test_name_similarity_of_two_names() -> None:
    assert name_similarity("ACME TRADING CO LTD", "Acme Trading Co., Ltd.") == 100
    assert name_similarity("Trading Acme", "Acme Trading") == 100
    assert name_similarity("", "Acme") == 0
