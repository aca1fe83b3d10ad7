"""The pandera schema for deal mentions and its error messages."""

from datetime import date

import pandas as pd
import pytest

from pipelines.extract.mentions import extract_mentions
from pipelines.extract.schema import (
    COLUMNS,
    MENTION_FIELDS,
    MentionValidationError,
    mentions_frame,
    validate_mentions,
)

TEXT = (
    "Cohere signed a five-year, $2bn agreement with Vultr for 4,096 H200s.\n"
    "Separately, Mistral AI will rent capacity from Fluidstack under a multibillion-dollar deal."
)


@pytest.fixture
def frame() -> pd.DataFrame:
    ms = extract_mentions(TEXT, published_at=date(2026, 3, 11))
    assert len(ms) == 2
    return mentions_frame(ms, "wire:0123456789abcdef")


def test_valid_frame_passes_and_is_coerced(frame):
    out = validate_mentions(frame)
    assert list(out.columns) == list(COLUMNS)
    assert list(out["mention_id"]) == ["wire:0123456789abcdef#0", "wire:0123456789abcdef#1"]
    assert str(out["gpu_count"].dtype) == "Int64"
    assert out.loc[1, "value_usd"] != out.loc[1, "value_usd"]  # NaN: no value


def test_frame_built_from_records_like_the_pipeline(frame):
    records = frame.to_dict("records")
    for r in records:
        r["gpu_count"] = None if pd.isna(r["gpu_count"]) else int(r["gpu_count"])
    rebuilt = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    assert len(validate_mentions(rebuilt)) == 2
    empty = pd.DataFrame.from_records([], columns=list(COLUMNS))
    assert validate_mentions(empty).empty


def test_failure_message_names_document_field_and_value(frame):
    bad = frame.copy()
    bad.loc[1, "deal_type"] = "lease"
    bad.loc[0, "confidence"] = 1.7
    bad.loc[1, "provider"] = bad.loc[1, "buyer"]
    with pytest.raises(MentionValidationError) as info:
        validate_mentions(bad)
    msg = str(info.value)
    assert "document_id=wire:0123456789abcdef row=1 field=deal_type value='lease'" in msg
    assert "row=0 field=confidence value=" in msg and "1.7" in msg
    assert "field=buyer/provider" in msg and "buyer_differs_from_provider" in msg
    assert info.value.failures is not None and len(info.value.failures) >= 3


def test_value_without_qualifier_and_bad_ids_are_rejected(frame):
    bad = frame.copy()
    bad.loc[0, "value_qualifier"] = None
    bad.loc[1, "mention_id"] = "no-hash"
    with pytest.raises(MentionValidationError, match="value_and_qualifier_together"):
        validate_mentions(bad)
    with pytest.raises(MentionValidationError, match="field=mention_id value='no-hash'"):
        validate_mentions(bad)


def test_missing_columns_are_reported(frame):
    with pytest.raises(MentionValidationError, match="missing columns: evidence"):
        validate_mentions(frame.drop(columns=["evidence"]))


def test_fields_match_the_mention_dataclass():
    assert MENTION_FIELDS[0] == "buyer" and MENTION_FIELDS[-1] == "confidence"
    assert len(COLUMNS) == len(MENTION_FIELDS) + 3
