"""ISO 8601 partial dates as SDTM writes them: read to their bounds, placed only to the minute."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from astct_grading.cdisc import parse_dtc

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest", "placeable"),
    [
        ("2023", "year", "2023-01-01T00:00:00+00:00", "2023-12-31T23:59:59.999999+00:00", False),
        (
            "2023-02",
            "month",
            "2023-02-01T00:00:00+00:00",
            "2023-02-28T23:59:59.999999+00:00",
            False,
        ),
        (
            "2024-02",
            "month",
            "2024-02-01T00:00:00+00:00",
            "2024-02-29T23:59:59.999999+00:00",
            False,
        ),
        (
            "2023-11-07",
            "day",
            "2023-11-07T00:00:00+00:00",
            "2023-11-07T23:59:59.999999+00:00",
            False,
        ),
        (
            "2023-11-07T16",
            "hour",
            "2023-11-07T16:00:00+00:00",
            "2023-11-07T16:59:59.999999+00:00",
            False,
        ),
        (
            "2023-11-07T16:05",
            "minute",
            "2023-11-07T16:05:00+00:00",
            "2023-11-07T16:05:59.999999+00:00",
            True,
        ),
        (
            "2023-11-07T16:05:09",
            "second",
            "2023-11-07T16:05:09+00:00",
            "2023-11-07T16:05:09+00:00",
            True,
        ),
        (
            "2023-11-07T16:05:09.5",
            "second",
            "2023-11-07T16:05:09.500000+00:00",
            "2023-11-07T16:05:09.500000+00:00",
            True,
        ),
        (
            "2023-11-07T16:05+01:00",
            "minute",
            "2023-11-07T16:05:00+01:00",
            "2023-11-07T16:05:59.999999+01:00",
            True,
        ),
        (
            "2023-11-07T16:05Z",
            "minute",
            "2023-11-07T16:05:00+00:00",
            "2023-11-07T16:05:59.999999+00:00",
            True,
        ),
        (
            "2023-11-07T16:05-0500",
            "minute",
            "2023-11-07T16:05:00-05:00",
            "2023-11-07T16:05:59.999999-05:00",
            True,
        ),
        (
            "2023---07",
            "year",
            "2023-01-01T00:00:00+00:00",
            "2023-12-31T23:59:59.999999+00:00",
            False,
        ),
        ("2023--", "year", "2023-01-01T00:00:00+00:00", "2023-12-31T23:59:59.999999+00:00", False),
        (
            "2023-11-07T16:05/2023-11-08",
            "interval",
            "2023-11-07T16:05:00+00:00",
            "2023-11-08T23:59:59.999999+00:00",
            False,
        ),
    ],
)
def test_partial_dates_read_to_their_bounds(
    text: str, precision: str, earliest: str, latest: str, placeable: bool
) -> None:
    dtc = parse_dtc(text)
    assert dtc.precision == precision
    assert dtc.earliest.isoformat() == earliest
    assert dtc.latest.isoformat() == latest
    assert dtc.placeable is placeable
    assert (dtc.at is not None) is placeable


def test_a_time_without_offset_is_read_in_the_given_zone() -> None:
    zone = timezone(timedelta(hours=9))
    assert parse_dtc("2023-09-04T14:30", zone).at == datetime(2023, 9, 4, 14, 30, tzinfo=zone)
    assert parse_dtc("2023-09-04T14:30").at == datetime(2023, 9, 4, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["", "07/11/2023", "2023-13", "2023-02-30", "2023-11-07T25:00", "yesterday"]
)
def test_not_a_date_is_an_error_naming_the_value(text: str) -> None:
    with pytest.raises(ValueError, match="date-time"):
        parse_dtc(text)
