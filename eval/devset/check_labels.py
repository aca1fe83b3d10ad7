"""Consistency check for eval/devset/labels.yaml.

Usage: .venv/bin/python eval/devset/check_labels.py
Checks that every labelled file exists and every document is labelled, that the fields use the
allowed values, and prints the counts per genre, decoys and deal types.
"""

import collections
import datetime as dt
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
GENRES = {"news": "news", "press_release": "press", "filing": "filings"}
DEAL_TYPES = {"capacity_contract", "expansion", "chip_supply", "equity_investment", "backstop"}
QUALIFIERS = {"exact", "up_to", "at_least", "approx", None}
DEAL_KEYS = [
    "buyer",
    "provider",
    "deal_type",
    "value_usd",
    "value_qualifier",
    "currency",
    "announced_on",
    "duration_years",
    "end_date",
    "gpu_model",
    "gpu_count",
    "power_mw",
]


def main() -> int:
    docs = yaml.safe_load((HERE / "labels.yaml").read_text(encoding="utf-8"))["documents"]
    errors = []
    labelled = set()
    for d in docs:
        f = d["file"]
        if f in labelled:
            errors.append(f"{f}: labelled twice")
        labelled.add(f)
        if not (HERE / f).is_file():
            errors.append(f"{f}: file missing")
        if d["genre"] not in GENRES or not f.startswith(GENRES[d["genre"]] + "/"):
            errors.append(f"{f}: genre {d['genre']!r} does not match folder")
        if not isinstance(d["published"], dt.date):
            errors.append(f"{f}: published is not a date")
        if d["decoy"] and any(x["deal_type"] != "equity_investment" for x in d["deals"]):
            errors.append(f"{f}: decoy with a non-equity deal")
        if not d["decoy"] and not d["deals"]:
            errors.append(f"{f}: not a decoy but no deals")
        for x in d["deals"]:
            missing = [k for k in DEAL_KEYS if k not in x]
            if missing:
                errors.append(f"{f}: deal missing {missing}")
                continue
            if x["deal_type"] not in DEAL_TYPES:
                errors.append(f"{f}: bad deal_type {x['deal_type']}")
            if x["value_qualifier"] not in QUALIFIERS:
                errors.append(f"{f}: bad value_qualifier {x['value_qualifier']}")
            if (x["value_usd"] is None) != (x["value_qualifier"] is None):
                errors.append(f"{f}: value_usd and value_qualifier must be null together")
            if x["currency"] not in (None, "USD") and "fx" not in x:
                errors.append(f"{f}: non-USD deal without fx note")
            if not isinstance(x["announced_on"], dt.date):
                errors.append(f"{f}: announced_on is not a date")
    on_disk = {
        str(p.relative_to(HERE))
        for g in GENRES.values()
        for p in (HERE / g).iterdir()
        if p.is_file()
    }
    for f in sorted(on_disk - labelled):
        errors.append(f"{f}: document not labelled")

    genre = collections.Counter(d["genre"] for d in docs)
    decoys = sum(d["decoy"] for d in docs)
    deals = [x for d in docs for x in d["deals"]]
    print(f"documents: {len(docs)}  {dict(genre)}")
    print(f"decoys: {decoys}  fictional: {sum(d['fictional'] for d in docs)}")
    print(f"deals: {len(deals)}  {dict(collections.Counter(x['deal_type'] for x in deals))}")
    if len(docs) < 84 or decoys < 25 or min(genre.values()) < 20:
        errors.append("counts below target (>=84 documents, >=25 decoys, >=20 per genre)")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
