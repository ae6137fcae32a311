"""ISO 8601 date-times as SDTM writes them (--DTC), with partial precision.

SDTMIG v3.4 (section 4.4, "Date/Time Formats") stores every date-time as ISO 8601 text and allows
it to be partial: ``2023-11``, ``2023-11-07``, ``2023-11-07T16`` are a month, a day and an hour,
and ``2023---07`` a day of an unknown month. This module reads such a value into the earliest and
latest instants it can mean, and says whether it is precise enough to place an assessment on a
course's timeline. Nothing is guessed: an imprecise time is never rounded to a point
(docs/cdisc.md, "Partial dates").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

__all__ = ["PLACEABLE", "Dtc", "parse_dtc"]

#: The precisions, coarsest first. An assessment is placed only at ``minute`` or ``second``
#: precision: a coarser time could fall either side of a fever or a therapy (D1) or of the end of
#: an episode's resolution period (D20).
PRECISIONS = ("year", "month", "day", "hour", "minute", "second")
PLACEABLE = frozenset({"minute", "second"})

_DTC = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<frac>\d+))?)?)?)?)?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?$"
)
_UNKNOWN_MONTH = re.compile(r"^(?P<year>\d{4})--(?:-(?P<day>\d{2}))?")


@dataclass(frozen=True, slots=True)
class Dtc:
    """An SDTM date-time, read.

    Attributes:
        text: the value as written.
        precision: ``year``, ``month``, ``day``, ``hour``, ``minute``, ``second``, or
            ``interval`` for an ISO 8601 interval (``start/end``).
        earliest: the earliest instant the value can mean (time-zone aware).
        latest: the latest instant it can mean.
    """

    text: str
    precision: str
    earliest: datetime
    latest: datetime

    @property
    def placeable(self) -> bool:
        """True when the value is precise enough to place an assessment (minute or better)."""
        return self.precision in PLACEABLE

    @property
    def at(self) -> datetime | None:
        """The instant, when placeable; None otherwise."""
        return self.earliest if self.placeable else None


def _zone(text: str | None, default: tzinfo) -> tzinfo:
    if text is None:
        return default
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _bounds(fields: dict[str, str | None], zone: tzinfo) -> tuple[str, datetime, datetime]:
    year = int(fields["year"] or 0)
    present = [name for name in PRECISIONS if fields.get(name) is not None]
    precision = present[-1]
    month = int(fields["month"]) if fields["month"] else None
    day = int(fields["day"]) if fields["day"] else None
    hour = int(fields["hour"]) if fields["hour"] else None
    minute = int(fields["minute"]) if fields["minute"] else None
    second = int(fields["second"]) if fields["second"] else None
    micro = int((fields.get("frac") or "0")[:6].ljust(6, "0"))
    start = datetime(
        year, month or 1, day or 1, hour or 0, minute or 0, second or 0, micro, tzinfo=zone
    )
    last_day = calendar.monthrange(year, month or 12)[1]
    end = datetime(
        year,
        month or 12,
        day or last_day,
        23 if hour is None else hour,
        59 if minute is None else minute,
        59 if second is None else second,
        micro if second is not None else 999999,
        tzinfo=zone,
    )
    return precision, start, end


def parse_dtc(text: str, default_zone: tzinfo = timezone.utc) -> Dtc:
    """Read an ISO 8601 date-time as SDTM writes it, partial or not.

    A value without a UTC offset is read in ``default_zone`` (SDTM times are usually the site's
    clock time, without an offset).

    Args:
        text: the --DTC value.
        default_zone: the time zone of values written without an offset.

    Returns:
        The value, with its precision and the earliest and latest instants it can mean.

    Raises:
        ValueError: the value is not an ISO 8601 date-time (the message says why).

    Example:
        >>> parse_dtc("2023-11-07T16:00").placeable
        True
        >>> day = parse_dtc("2023-11-07")
        >>> day.precision, day.at, day.latest.isoformat()
        ('day', None, '2023-11-07T23:59:59.999999+00:00')
        >>> parse_dtc("2023---07").precision
        'year'
    """
    value = text.strip()
    if "/" in value:
        first, _, second = value.partition("/")
        begins, ends = parse_dtc(first, default_zone), parse_dtc(second, default_zone)
        return Dtc(value, "interval", begins.earliest, ends.latest)
    match = _DTC.match(value)
    if match is None:
        unknown = _UNKNOWN_MONTH.match(value)
        if unknown is None:
            raise ValueError(f"{text!r} is not an ISO 8601 date-time (SDTMIG 4.4)")
        # A day or time of an unknown month tells no more than the year (SDTMIG 4.4.2).
        year = unknown.group("year")
        fields: dict[str, str | None] = dict.fromkeys((*PRECISIONS, "frac", "zone"))
        fields["year"] = year
        _, start_, end_ = _bounds(fields, default_zone)
        return Dtc(value, "year", start_, end_)
    groups = match.groupdict()
    try:
        precision, start, end = _bounds(groups, _zone(groups["zone"], default_zone))
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid date-time: {error}") from None
    return Dtc(value, precision, start, end)
