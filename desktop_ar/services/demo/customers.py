"""Customer master data for the demo book: names, addresses, tax ids, contacts."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from desktop_ar.domain import search_text
from desktop_ar.services.demo import names as n
from desktop_ar.services.demo.plan import CustomerPlan

search_keys = functools.lru_cache(maxsize=4096)(search_text.search_keys)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_GRADES = {"prompt": "AB", "discount": "A", "late": "BC", "partial": "C", "chronic": "DE"}


@dataclass(slots=True)
class Identity:
    """Who a customer is: what the rows of its customer record and payments are made from."""

    name: str
    short_name: str
    industry: str
    region: str
    city: str
    country: str  # "CN" or an EN_SUFFIXES country
    address: str
    phone: str
    email_domain: str
    tax_id: str
    bank_account: str
    categories: tuple[str, ...]


def uscc(rng: random.Random, area: str = "330100") -> str:
    """An 18-character 统一社会信用代码 with a valid GB 32100 check character."""
    body = "91" + area + "".join(rng.choice(_USCC_CHARS[:10]) for _ in range(9))
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(body, _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return body + _USCC_CHARS[check]


def _digits(rng: random.Random, k: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(k))


def mobile(rng: random.Random) -> str:
    """A Chinese mobile number such as ``138 1234 5678``."""
    return f"1{rng.choice('3456789')}{rng.randint(0, 9)} {_digits(rng, 4)} {_digits(rng, 4)}"


def _zh_address(rng: random.Random, city: str, province: str) -> str:
    tail = f"{rng.randint(1, 30)}栋{rng.randint(1, 28)}{rng.randint(1, 20):02d}室"
    if rng.random() < 0.5:
        tail = f"{rng.choice('ABCDEF')}座{rng.randint(2, 30)}楼"
    district = rng.choice(n.CITY_DISTRICTS.get(city, n.DISTRICTS))
    return f"{province}{district}{rng.choice(n.STREETS)}{rng.randint(1, 999)}号{tail}"


def _zh_identity(rng: random.Random, c: CustomerPlan, used: set[str]) -> Identity:
    city, region, province = rng.choice(n.CITIES)
    if c.kind == "individual":
        person = rng.choice(n.SURNAMES) + rng.choice(n.GIVEN_NAMES)
        name = person if rng.random() < 0.5 else f"{city}{person}{rng.choice(('商行', '五金店'))}"
        while name in used:
            name = f"{name}{rng.randint(2, 9)}"
        industry = rng.choice(sorted(n.INDUSTRIES))
        short = person
        domain = "163.com"
        tax_id = ""
    else:
        for _ in range(50):
            core, word = rng.choice(n.CORE_NAMES), rng.choice(n.INDUSTRY_WORDS)
            name = f"{city}{core}{word}{rng.choice(n.SUFFIXES_ZH)}"
            if name not in used:
                break
        while name in used:
            name = f"{city}{core}{word}{rng.randint(2, 99)}有限公司"
        industry = n.INDUSTRY_HINTS.get(word) or rng.choice(sorted(n.INDUSTRIES))
        short = f"{city}{core}" if rng.random() < 0.5 else f"{core}{word}"
        domain = f"{search_keys(core)[1]}{rng.randint(1, 99)}.com.cn"
        tax_id = uscc(rng, n.CITY_CODES[city])
    used.add(name)
    return Identity(
        name=name,
        short_name=short,
        industry=industry,
        region=region,
        city=city,
        country="CN",
        address=_zh_address(rng, city, province),
        phone=f"{n.AREA_CODES.get(city, '021')}-{rng.randint(5, 8)}{_digits(rng, 7)}",
        email_domain=domain,
        tax_id=tax_id,
        bank_account=f"{rng.choice(n.BANKS)} {_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 4)}",
        categories=n.INDUSTRIES[industry],
    )


def _en_identity(rng: random.Random, c: CustomerPlan, used: set[str]) -> Identity:
    for _ in range(50):
        first, second = rng.choice(n.EN_FIRST), rng.choice(n.EN_SECOND)
        suffix, country = rng.choice(n.EN_SUFFIXES)
        if c.currency == "CNY":  # a foreign-invested company in China
            city, region, province = rng.choice(n.CITIES)
            suffix, country = "Co., Ltd.", "CN"
            name = f"{first} {second} ({search_keys(city)[1].capitalize()}) {suffix}"
        else:
            name = f"{first} {second} {suffix}"
        if name not in used:
            break
    while name in used:
        name = f"{name} {rng.randint(2, 9)}"
    used.add(name)
    industry = n.INDUSTRY_HINTS.get(second) or rng.choice(sorted(n.INDUSTRIES))
    word = first.lower().replace(" ", "")
    if country == "CN":
        address = _zh_address(rng, city, province)
        phone = f"{n.AREA_CODES.get(city, '021')}-{rng.randint(5, 8)}{_digits(rng, 7)}"
        tax_id, domain = uscc(rng, n.CITY_CODES[city]), f"{word}-{second.lower()}.cn"
    else:
        city, region = rng.choice(n.EN_CITIES[country]), "Overseas"
        address = f"{rng.randint(1, 250)} {rng.choice(n.EN_STREETS)}, {city}, {country}"
        phone = f"{n.PHONE_CODES[country]} {_digits(rng, 4)} {_digits(rng, 4)}"
        tax_id = {"UK": "GB", "DE": "DE", "NL": "NL"}.get(country, "") + _digits(rng, 9)
        domain = f"{word}{second.lower()}.com"
    return Identity(
        name=name,
        short_name=f"{first} {second}" if country == "CN" else first,
        industry=industry,
        region=region,
        city=city,
        country=country,
        address=address,
        phone=phone,
        email_domain=domain,
        tax_id=tax_id,
        bank_account=f"{'HSBC' if country != 'CN' else rng.choice(n.BANKS)} {_digits(rng, 12)}",
        categories=n.INDUSTRIES[industry],
    )


def make_identity(rng: random.Random, c: CustomerPlan, used: set[str]) -> Identity:
    """Draw a customer's name, address and the like; ``used`` keeps names unique in the book."""
    if c.lang == "en":
        return _en_identity(rng, c, used)
    return _zh_identity(rng, c, used)


def collector(ident: Identity, lang: str) -> str:
    """The collector responsible for a customer, by region."""
    if lang == "en" or ident.region == "Overseas":
        return "Emily Chen"
    if ident.region == "华东":
        return "王芳"
    if ident.region in ("华南", "西南"):
        return "李强"
    return "张伟"


def customer_row(
    rng: random.Random,
    c: CustomerPlan,
    ident: Identity,
    *,
    customer_id: int,
    code: str,
    credit_limit: int,
    created_at: object,
) -> dict[str, object]:
    """The ``customers`` row."""
    initials, full = search_keys(ident.name)
    tags = []
    if c.kind == "key_account":
        tags.append("重点客户 Key account")
    if c.currency != "CNY":
        tags.append("出口 Export")
    if c.profile == "chronic":
        tags.append("逾期关注 Watch")
    if c.profile == "discount":
        tags.append("现金折扣 Discount")
    if rng.random() < 0.1:
        tags.append(rng.choice(("电商 E-commerce", "框架合同 Framework", "新客户 New")))
    grades = _GRADES[c.profile]
    notes = ""
    if c.credit_hold:
        notes = "逾期严重，暂停发货，待回款后解除 / On hold until overdue invoices are paid"
    elif c.kind == "key_account" and rng.random() < 0.5:
        notes = "年度框架合同，每月25日统一付款 / Framework contract, pays on the 25th"
    return {
        "id": customer_id,
        "code": code,
        "name": ident.name,
        "short_name": ident.short_name,
        "pinyin_initials": initials,
        "pinyin_full": full,
        "customer_type": c.kind,
        "industry": ident.industry,
        "region": ident.region,
        "value_tier": c.tier,
        "tags": ",".join(tags),
        "payment_terms": c.terms,
        "currency": c.currency,
        "credit_limit_minor": credit_limit,
        "credit_grade": rng.choice(grades),
        "collector": collector(ident, c.lang),
        "credit_hold": c.credit_hold,
        "status": "inactive" if c.inactive else "active",
        "language": c.lang,
        "tax_id": ident.tax_id,
        "address": ident.address,
        "phone": ident.phone,
        "email": f"finance@{ident.email_domain}" if c.kind != "individual" else
                 f"{search_keys(ident.short_name)[1]}{rng.randint(10, 99)}@163.com",
        "notes": notes,
        "created_at": created_at,
        "version_id": 1,
    }  # fmt: skip


def contact_rows(
    rng: random.Random, c: CustomerPlan, ident: Identity, *, customer_id: int, first_id: int
) -> list[dict[str, object]]:
    """One to three ``contacts`` rows, the first one primary."""
    count = 1 if c.kind == "individual" else rng.choice((1, 2, 2, 3))
    rows = []
    for k in range(count):
        if c.lang == "en":
            first, last = rng.choice(n.EN_FIRST_NAMES), rng.choice(n.EN_LAST_NAMES)
            name, title = f"{first} {last}", rng.choice(n.TITLES_EN)
            email = f"{first.lower()}.{last.lower()}@{ident.email_domain}"
            mob = mobile(rng) if ident.country == "CN" else ident.phone[:-4] + _digits(rng, 4)
        else:
            name = rng.choice(n.SURNAMES) + rng.choice(n.GIVEN_NAMES)
            title = "" if c.kind == "individual" else rng.choice(n.TITLES_ZH)
            if c.kind == "individual":
                name = ident.short_name
            email = f"{search_keys(name)[1]}@{ident.email_domain}"
            mob = mobile(rng)
        rows.append(
            {
                "id": first_id + k,
                "customer_id": customer_id,
                "name": name,
                "title": title,
                "phone": ident.phone if k == 0 else "",
                "mobile": mob,
                "email": email,
                "is_primary": k == 0,
                "notes": "对账请找此人 / Send statements here" if k == 1 else "",
                "version_id": 1,
            }
        )
    return rows
