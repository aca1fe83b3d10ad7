"""The deal-mention table: a pandera schema and helpers to build and validate it.

``mentions_frame`` turns one document's :class:`~pipelines.extract.mentions.Mention` list into
rows (``mention_id = '<document_id>#<n>'``, ``mention_index = n``); ``validate_mentions``
checks a frame with ``lazy=True`` and, on failure, raises :class:`MentionValidationError`
whose message lists every offending row as ``document_id / field / value / check``;
``split_mentions`` instead sets the offending rows aside one by one (the extract stage
quarantines them in ``raw.rejected_mentions``) and returns the valid rest.

Dates must fall in a plausible window: from 1995 (before any cloud-compute contract) to a
year after today for announcement dates, and to 2100 for contract end dates.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pipelines.extract.mentions import DEAL_TYPES, VALUE_QUALIFIERS, Mention

MENTION_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Mention))
COLUMNS: tuple[str, ...] = ("mention_id", "document_id", "mention_index", *MENTION_FIELDS)


def _is_date_or_null(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is None or pd.isna(v) or isinstance(v, date | datetime))


def _nonblank(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, str) and bool(v.strip()))


EARLIEST_DATE = date(1995, 1, 1)
LATEST_END_DATE = date(2100, 12, 31)
FUTURE_SLACK = timedelta(days=366)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _in_window(day: date, latest: date) -> bool:
    return EARLIEST_DATE <= day <= latest


def plausible_date(day: date | datetime | None, reference: date | datetime | None = None) -> bool:
    """Whether ``day`` lies in the window a deal or a publication can have: not before 1995,
    not more than a year after ``reference`` (the fetch; default today)."""
    if day is None:
        return False
    return _in_window(_day(day), _day(reference or date.today()) + FUTURE_SLACK)


def _dates_within(latest: Callable[[], date]) -> Callable[[pd.Series], pd.Series]:
    """A pandera check: every non-null date in 1995..``latest()``."""

    def check(series: pd.Series) -> pd.Series:
        hi = latest()

        def ok(v) -> bool:
            if v is None or (not isinstance(v, date | datetime) and pd.isna(v)):
                return True
            return isinstance(v, date | datetime) and _in_window(_day(v), hi)

        return series.map(ok)

    return check


_str = pa.Column(None, checks=pa.Check(_nonblank, element_wise=False, name="non_blank"))
_opt_str = pa.Column(None, nullable=True)

MentionSchema = pa.DataFrameSchema(
    {
        "mention_id": pa.Column(
            None,
            checks=[
                pa.Check.str_matches(r"^.+#\d+$", name="id_format"),
            ],
            unique=True,
        ),
        "document_id": _str,
        "mention_index": pa.Column("int64", checks=pa.Check.ge(0), coerce=True),
        "buyer": _str,
        "provider": _str,
        "buyer_text": _opt_str,
        "provider_text": _opt_str,
        "deal_type": pa.Column(None, checks=pa.Check.isin(DEAL_TYPES)),
        "value_usd": pa.Column(
            "float64", nullable=True, coerce=True, checks=pa.Check.in_range(1e5, 1e13)
        ),
        "value_qualifier": pa.Column(None, nullable=True, checks=pa.Check.isin(VALUE_QUALIFIERS)),
        "value_text": _opt_str,
        "currency": pa.Column(None, nullable=True, checks=pa.Check.str_matches(r"^[A-Z]{3}$")),
        "duration_years": pa.Column(
            "float64", nullable=True, coerce=True, checks=pa.Check.in_range(0, 50, False, True)
        ),
        "end_date": pa.Column(
            None,
            nullable=True,
            checks=[
                pa.Check(_is_date_or_null, name="is_date"),
                pa.Check(_dates_within(lambda: LATEST_END_DATE), name="plausible_end_date"),
            ],
        ),
        "gpu_model": _opt_str,
        "gpu_count": pa.Column("Int64", nullable=True, coerce=True, checks=pa.Check.gt(0)),
        "power_mw": pa.Column(
            "float64", nullable=True, coerce=True, checks=pa.Check.in_range(0, 1e6, False, True)
        ),
        "announced_on": pa.Column(
            None,
            nullable=True,
            checks=[
                pa.Check(_is_date_or_null, name="is_date"),
                pa.Check(
                    _dates_within(lambda: date.today() + FUTURE_SLACK),
                    name="plausible_announced_on",
                ),
            ],
        ),
        "evidence": _str,
        "evidence_start": pa.Column("int64", checks=pa.Check.ge(0), coerce=True),
        "evidence_end": pa.Column("int64", checks=pa.Check.ge(0), coerce=True),
        "confidence": pa.Column("float64", checks=pa.Check.in_range(0, 1), coerce=True),
    },
    checks=[
        pa.Check(
            lambda df: df["buyer"] != df["provider"],
            name="buyer_differs_from_provider",
        ),
        pa.Check(
            lambda df: df["evidence_end"] >= df["evidence_start"],
            name="evidence_span_ordered",
        ),
        pa.Check(
            lambda df: df["value_usd"].isna() == df["value_qualifier"].isna(),
            name="value_and_qualifier_together",
        ),
    ],
    strict=False,
    ordered=False,
    name="deal_mentions",
)


class MentionValidationError(ValueError):
    """Raised by :func:`validate_mentions`; ``.failures`` holds the failure-case frame."""

    def __init__(self, message: str, failures: pd.DataFrame | None = None):
        super().__init__(message)
        self.failures = failures


def mentions_frame(mentions: Iterable[Mention], document_id: str) -> pd.DataFrame:
    """Rows for one document's mentions, in the column order of :data:`COLUMNS`."""
    rows = []
    for i, m in enumerate(mentions):
        row = dataclasses.asdict(m)
        row.update(mention_id=f"{document_id}#{i}", document_id=document_id, mention_index=i)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("buyer", "provider", "deal_type", "evidence", "mention_id", "document_id"):
        frame[col] = frame[col].astype(object)
    frame["gpu_count"] = frame["gpu_count"].astype("Int64")
    for col in ("value_usd", "duration_years", "power_mw", "confidence"):
        frame[col] = frame[col].astype("float64")
    return frame


_FRAME_CHECK_FIELDS = {
    "buyer_differs_from_provider": ("buyer", "provider"),
    "evidence_span_ordered": ("evidence_start", "evidence_end"),
    "value_and_qualifier_together": ("value_usd", "value_qualifier"),
}


def _describe(df: pd.DataFrame, failures: pd.DataFrame, limit: int = 50) -> str:
    """One line per offending (row, check): document_id, field(s), value(s), check."""
    lines: list[str] = []
    seen: set[tuple] = set()
    for _, fc in failures.iterrows():
        idx = fc.get("index")
        check = str(fc.get("check"))
        column = fc.get("column")
        fields: tuple[str, ...]
        if check in _FRAME_CHECK_FIELDS:
            fields = _FRAME_CHECK_FIELDS[check]
        elif isinstance(column, str) and column in df.columns:
            fields = (column,)
        else:
            fields = (str(column),)
        key = (idx if not pd.isna(idx) else None, check, fields)
        if key in seen:
            continue
        seen.add(key)
        doc = "?"
        values: list[str] = []
        if idx is not None and not pd.isna(idx) and idx in df.index:
            if "document_id" in df.columns:
                doc = str(df.at[idx, "document_id"])
            for f in fields:
                values.append(
                    repr(df.at[idx, f]) if f in df.columns else repr(fc.get("failure_case"))
                )
        else:
            values.append(repr(fc.get("failure_case")))
        lines.append(
            f"  document_id={doc} row={idx} field={'/'.join(fields)} "
            f"value={'/'.join(values)} check={check}"
        )
    if len(lines) > limit:
        lines = [*lines[:limit], f"  ... and {len(lines) - limit} more"]
    return "\n".join(lines)


def validate_mentions(df: pd.DataFrame) -> pd.DataFrame:
    """Validate (lazily, all checks) and return the coerced frame, or raise
    :class:`MentionValidationError` naming each offending row's document, field and value."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise MentionValidationError(f"deal_mentions is missing columns: {', '.join(missing)}")
    try:
        return MentionSchema.validate(df, lazy=True)
    except SchemaErrors as exc:
        failures = exc.failure_cases
        message = "deal_mentions failed validation:\n" + _describe(df, failures)
        raise MentionValidationError(message, failures) from None


REJECTED_COLUMNS = ("mention_id", "document_id", "reason", "record")


def _record_json(row: pd.Series) -> str:
    def plain(v):
        if v is None or (not isinstance(v, str | date | datetime) and pd.isna(v)):
            return None
        if isinstance(v, date | datetime):
            return v.isoformat()
        return v.item() if hasattr(v, "item") else v

    return json.dumps({k: plain(v) for k, v in row.items()}, default=str, ensure_ascii=False)


def split_mentions(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(valid rows, rejected rows): each row that breaks the schema is set aside with the
    reason (field, value, check), so one bad value never blocks its neighbours. The rejected
    frame has :data:`REJECTED_COLUMNS`, the offending row kept whole as JSON in ``record``.
    Raises :class:`MentionValidationError` only for a problem no single row explains (a
    missing column)."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise MentionValidationError(f"deal_mentions is missing columns: {', '.join(missing)}")
    df = df.reset_index(drop=True)
    reasons: dict[int, list[str]] = {}
    for _ in range(3):  # a coercion failure can hide a later check's failure on the same row
        rest = df.drop(index=list(reasons))
        try:
            valid = MentionSchema.validate(rest, lazy=True)
            break
        except SchemaErrors as exc:
            found = False
            for _, fc in exc.failure_cases.iterrows():
                idx = fc.get("index")
                if idx is None or pd.isna(idx) or int(idx) not in rest.index:
                    continue
                found = True
                lines = _describe(rest.loc[[int(idx)]], fc.to_frame().T)
                reasons.setdefault(int(idx), []).append(lines.strip())
            if not found:
                raise MentionValidationError(
                    "deal_mentions failed validation:\n" + _describe(rest, exc.failure_cases)
                ) from None
    else:
        raise MentionValidationError("deal_mentions: rows kept failing validation")
    rejected = pd.DataFrame(
        [
            {
                "mention_id": str(df.at[i, "mention_id"]),
                "document_id": str(df.at[i, "document_id"]),
                "reason": "; ".join(dict.fromkeys(why)),
                "record": _record_json(df.loc[i]),
            }
            for i, why in sorted(reasons.items())
        ],
        columns=list(REJECTED_COLUMNS),
    )
    return valid, rejected
