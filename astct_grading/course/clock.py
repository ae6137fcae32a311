"""Time in a course: instants compared in UTC, IANA zones, day numbers from the infusion (D20).

Conventions (docs/course.md, "Days and time zones"):

* Every comparison and difference of two instants goes through UTC (:func:`utc`): Python compares
  two datetimes that share one tzinfo object by their wall-clock readings, which is wrong across a
  daylight-saving change.
* Days follow one local calendar (:func:`calendar`): the course's IANA ``time_zone`` when it names
  one (daylight saving included), else the infusion's own time zone, which for JSON input is a
  fixed UTC offset. Day 0 is the infusion's date on that calendar; a time is converted to it before
  its date is taken (:class:`Clock`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic_core import PydanticCustomError

__all__ = ["Clock", "calendar", "hours_between", "iana_zone", "stamp", "utc"]


def utc(at: datetime) -> datetime:
    """The same instant in UTC, for comparing and subtracting instants across zones.

    Example:
        >>> utc(datetime.fromisoformat("2024-03-10T03:30:00-04:00")).isoformat()
        '2024-03-10T07:30:00+00:00'
    """
    return at.astimezone(timezone.utc)


def hours_between(at: datetime, origin: datetime) -> float:
    """Hours from ``origin`` to ``at`` (negative when ``at`` is earlier), counted in UTC.

    Example:
        >>> hours_between(
        ...     datetime.fromisoformat("2024-03-05T10:00:00+01:00"),
        ...     datetime.fromisoformat("2024-03-04T10:00:00Z"),
        ... )
        23.0
    """
    return (utc(at) - utc(origin)).total_seconds() / 3600


def stamp(at: datetime) -> str:
    """``at`` to the minute, as the notes and waiver details of a course show it.

    Example:
        >>> stamp(datetime.fromisoformat("2024-03-05T08:00:59+01:00"))
        '2024-03-05T08:00+01:00'
    """
    return at.isoformat(timespec="minutes")


# IANA names are ASCII path segments ("America/New_York", "Etc/GMT+5", "UTC"); checking the shape
# first keeps absolute paths, "..", spaces and other file names away from the zoneinfo loader.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*")
# Files of a tz database that are not IANA zones: "localtime" and "posixrules" are this machine's
# own settings, so a course naming them would grade differently from machine to machine; the
# "posix/" and "right/" trees are compiled variants (the latter counts leap seconds).
_NOT_ZONES = frozenset({"localtime", "posixrules"})
_NOT_ZONE_TREES = ("posix/", "right/")


def _tz_database_found() -> bool:
    try:
        ZoneInfo("UTC")
    except ZoneInfoNotFoundError:
        return False
    return True


def iana_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, from the system's tz database or the ``tzdata`` package.

    Raises:
        pydantic_core.PydanticCustomError: ``unknown_time_zone`` when ``name`` is not a zone of
            the database, ``time_zone_database_missing`` when this system has no database at all
            (zoneinfo then reads the ``tzdata`` package, if installed).

    Example:
        >>> iana_zone("Europe/Berlin").key
        'Europe/Berlin'
    """
    if (
        _ZONE_NAME.fullmatch(name)
        and name not in _NOT_ZONES
        and not name.startswith(_NOT_ZONE_TREES)
    ):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass  # told apart below: an unknown name, or no database to look it up in
    if not _tz_database_found():
        raise PydanticCustomError(
            "time_zone_database_missing",
            "no time-zone database was found on this system, so {shown} cannot be looked up: "
            "install the tzdata package (python3 -m pip install tzdata), which Python's zoneinfo "
            "reads when the system has none",
            {"name": name, "shown": repr(name)},
        )
    raise PydanticCustomError(
        "unknown_time_zone",
        "{shown} is not a known IANA time-zone name: give one such as 'America/New_York' or "
        "'Europe/Berlin' (case matters); a UTC offset such as -05:00 belongs in the timestamps",
        {"name": name, "shown": repr(name)},
    )


def calendar(zone_name: str | None, infusion_at: datetime) -> tzinfo:
    """The zone whose local dates are a course's days: its ``time_zone``, else the infusion's.

    Example:
        >>> calendar(None, datetime.fromisoformat("2024-03-04T10:00:00+01:00"))
        datetime.timezone(datetime.timedelta(seconds=3600))
    """
    if zone_name is not None:
        return iana_zone(zone_name)
    return cast(tzinfo, infusion_at.tzinfo)  # an AwareDatetime's is never None


@dataclass(frozen=True, slots=True)
class Clock:
    """Hours and days from the infusion, days on the course's local calendar (D20).

    A time is converted to the calendar before its date is taken, so 23:30 local stays on its day
    whichever zone the assessment was written in.

    Attributes:
        infusion: the infusion time.
        zone: the calendar's zone (:func:`calendar`).
        day0: the infusion's date on that calendar.

    Example:
        >>> clock = Clock.starting(datetime.fromisoformat("2024-03-04T23:00:00-05:00"), None)
        >>> clock.day(datetime.fromisoformat("2024-03-05T04:30:00Z")), clock.hours(
        ...     datetime.fromisoformat("2024-03-05T04:30:00Z"))
        (0, 0.5)
    """

    infusion: datetime
    zone: tzinfo
    day0: date

    @classmethod
    def starting(cls, infusion_at: datetime, zone_name: str | None) -> Clock:
        """The clock of a course infused at ``infusion_at`` with the ``time_zone`` ``zone_name``."""
        zone = calendar(zone_name, infusion_at)
        return cls(infusion_at, zone, infusion_at.astimezone(zone).date())

    def hours(self, at: datetime) -> float:
        """Hours from the infusion to ``at`` (negative before it)."""
        return hours_between(at, self.infusion)

    def day(self, at: datetime) -> int:
        """The day of ``at`` (day 0 = the infusion's date on the calendar)."""
        return self.days_to(at.astimezone(self.zone).date())

    def days_to(self, on: date) -> int:
        """The day of the calendar date ``on``."""
        return (on - self.day0).days
