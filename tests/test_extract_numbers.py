"""Money, duration, hardware, power and date parsing (pipelines.extract.numbers)."""

from datetime import date

import pytest

from pipelines.extract.numbers import (
    announced_date,
    dateline_date,
    find_duration,
    find_gpu_count,
    find_gpu_model,
    find_money,
    find_power_mw,
    fx_rate,
    past_anchor,
)


@pytest.mark.parametrize(
    ("text", "usd", "qualifier"),
    [
        ("a $21B order", 21e9, "exact"),
        ("a $14.2bn contract", 14.2e9, "exact"),
        ("worth US$9.7 billion", 9.7e9, "exact"),
        ("a commitment of 38 billion dollars", 38e9, "exact"),
        ("a $480 million lease", 480e6, "exact"),
        ("a $1.2 trillion build-out", 1.2e12, "exact"),
        ("a $750M order", 750e6, "exact"),
        ("valued at up to $19.4 billion", 19.4e9, "up_to"),
        ("as much as $3bn", 3e9, "up_to"),
        ("more than $10 billion", 10e9, "at_least"),
        ("over $10 billion", 10e9, "at_least"),
        ("at least $10 billion", 10e9, "at_least"),
        ("a $10 billion-plus deal", 10e9, "at_least"),
        ("about $5bn", 5e9, "approx"),
        ("roughly $5bn", 5e9, "approx"),
        ("around $5bn", 5e9, "approx"),
        ("approximately $5bn", 5e9, "approx"),
        ("nearly $5bn", 5e9, "approx"),
        ("~$5bn", 5e9, "approx"),
    ],
)
def test_money_formats_and_qualifiers(text, usd, qualifier):
    [m] = find_money(text, date(2025, 6, 1))
    assert m.usd == pytest.approx(usd)
    assert m.qualifier == qualifier
    assert m.currency == "USD"


@pytest.mark.parametrize(
    "text",
    [
        "tens of billions of dollars",
        "a multibillion-dollar deal",
        "billions in spending",
        "hundreds of millions",
        "a $300 fee",
    ],
)
def test_vague_or_tiny_amounts_have_no_value(text):
    assert find_money(text, date(2025, 6, 1)) == []


def test_other_currencies_are_converted_with_the_dated_rate():
    [eur] = find_money("a €2.5bn agreement", date(2025, 8, 1))
    assert eur.currency == "EUR"
    assert eur.usd == pytest.approx(2.5e9 * 1.17)
    assert eur.rate_note == "EUR->USD 1.17 from 2025-07-01"
    [gbp] = find_money("a £1 billion contract", date(2024, 2, 1))
    assert gbp.currency == "GBP" and gbp.usd == pytest.approx(1.27e9)
    [eur2] = find_money("EUR 500 million", date(2024, 2, 1))
    assert eur2.currency == "EUR" and eur2.amount == 500e6
    [pounds] = find_money("2 billion pounds", date(2024, 2, 1))
    assert pounds.currency == "GBP"
    # a date before the table uses its first row
    assert fx_rate("EUR", date(2000, 1, 1))[0] == pytest.approx(1.08)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("a five-year contract", 5),
        ("a 5-year contract", 5),
        ("to be consumed over seven years", 7),
        ("two 15-year leases", 15),
        ("an 18-month term", 1.5),
        ("for a term of three years", 3),
    ],
)
def test_durations(text, years):
    d = find_duration(text, date(2025, 1, 1))
    assert d is not None and d.years == pytest.approx(years)


def test_end_dates_are_last_day_of_month_or_year():
    d = find_duration("The agreement runs through December 2031.", date(2025, 9, 30))
    assert d.end_date == date(2031, 12, 31)
    assert d.years is None  # stated terms only, unless asked to derive
    d = find_duration("through December 2031", date(2025, 12, 31), derive=True)
    assert d.years == pytest.approx(6.0)
    assert find_duration("until the end of 2030", date(2025, 1, 1)).end_date == date(2030, 12, 31)
    # a bare year is no end date (often a delivery schedule), per the labelling conventions
    assert find_duration("deployed in phases through 2026", date(2025, 1, 1)) is None
    assert find_duration("until 2030", date(2025, 1, 1)) is None
    assert find_duration("to be completed by the end of 2029", date(2025, 1, 1)).end_date == date(
        2029, 12, 31
    )
    assert find_duration("capacity in place by the end of 2026", date(2025, 1, 1)) is None
    assert find_duration("a 10-year-old company", date(2025, 1, 1)) is None
    assert find_duration("the multi-year agreement", date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("racks of GB200 NVL72 systems", "GB200"),
        ("Nvidia Blackwell GB300 GPUs", "GB300"),
        ("4,096 H200s", "H200"),
        ("H100 clusters", "H100"),
        ("B200 and B300 parts", "B200"),
        ("the Vera Rubin platform", "Vera Rubin"),
        ("Instinct MI355X accelerators", "MI355X"),
        ("AMD MI450 chips", "MI450"),
        ("Google's Ironwood TPUs", "TPU"),
        ("TPUs", "TPU"),
        ("Trainium2 chips", "Trainium2"),
        ("no hardware here", None),
    ],
)
def test_gpu_models(text, model):
    assert find_gpu_model(text) == model


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("200,000 GPUs", 200_000),
        ("4,096 H200s", 4096),
        ("one million TPUs", 1_000_000),
        ("up to 1 million TPUs", 1_000_000),
        ("100,000 Nvidia GB300 GPUs", 100_000),
        ("tens of thousands of GPUs", None),
        ("thousands of Nvidia chips", None),
    ],
)
def test_gpu_counts(text, count):
    assert find_gpu_count(text) == count


@pytest.mark.parametrize(
    ("text", "mw"),
    [
        ("1.2 gigawatts of capacity", 1200),
        ("a 300MW campus", 300),
        ("one gigawatt", 1000),
        ("6GW of GPUs", 6000),
        ("250 megawatts", 250),
        ("no power figure", None),
    ],
)
def test_power(text, mw):
    assert find_power_mw(text) == mw


def test_announced_dates_relative_and_explicit():
    pub = date(2025, 10, 1)  # a Wednesday
    assert announced_date("the companies said on Tuesday", pub) == (date(2025, 9, 30), True)
    assert announced_date("announced on September 30", pub) == (date(2025, 9, 30), True)
    assert announced_date("signed on 3 November 2024", pub) == (date(2024, 11, 3), True)
    assert announced_date("no date at all", pub) == (pub, False)
    # an end date is not an announcement date
    assert announced_date("runs through December 31, 2031", pub) == (pub, False)


def test_past_anchor_marks_background():
    pub = date(2026, 4, 9)
    assert past_anchor("signed last September", pub)
    assert past_anchor("agreed in March 2025", pub)
    assert past_anchor("deliveries start in 2027", pub) is None
    assert past_anchor("announced in April", pub) is None  # this month


def test_dateline():
    assert dateline_date("SAN FRANCISCO, April 9, 2026 — Acme today said") == date(2026, 4, 9)
    text = "LIVINGSTON, N.J., March 5, 2026 /PRNewswire/ -- Widget Corp. said"
    assert dateline_date(text) == date(2026, 3, 5)
