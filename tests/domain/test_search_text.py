from __future__ import annotations

import pytest

from desktop_ar.domain.search_text import normalise_query, search_keys


@pytest.mark.parametrize(
    ("name", "initials", "full"),
    [
        ("上海明远贸易有限公司", "shmymyyxgs", "shanghaimingyuanmaoyiyouxiangongsi"),
        ("重庆长安汽车", "cqcaqc", "chongqingchanganqiche"),
        ("Acme Trading 2", "at2", "acmetrading2"),
        ("ABC上海贸易", "ashmy", "abcshanghaimaoyi"),
        ("3M 中国", "3mzg", "3mzhongguo"),
        ("ＡＢＣ公司", "ags", "abcgongsi"),
        ("O'Brien & Sons, Ltd.", "obsl", "obriensonsltd"),
        ("Émile Café 北京", "ecbj", "emilecafebeijing"),
        ("", "", ""),
    ],
)
def test_search_keys(name: str, initials: str, full: str) -> None:
    assert search_keys(name) == (initials, full)


def test_keys_are_lowercase_letters_and_digits() -> None:
    for name in ["绿地集团（上海）", "Émile Café 北京", "a-b_c/d", "张三\t李四"]:
        for key in search_keys(name):
            assert key == key.lower()
            assert key.isascii()
            assert all(ch.isalnum() for ch in key)


def test_initials_are_a_substring_search() -> None:
    initials, full = search_keys("上海明远贸易有限公司")
    assert "shmy" in initials
    assert normalise_query("SHMY") in initials
    assert normalise_query("ｓｈｍｙ") in initials
    assert normalise_query("ming yuan") in full
