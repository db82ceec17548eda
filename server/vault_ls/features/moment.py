"""Dates written with moment.js tokens, as Obsidian's daily notes and templates write them
(``YYYY-MM-DD``, ``dddd, MMMM Do YYYY``, ``YYYY/[W]ww``), in moment's English locale.

Python's ``strftime`` and arrow's tokens differ from moment's (``d``, ``W``, ``ww``, ``[...]``
escapes), and a daily note's file name must be the one Obsidian would look for, so the tokens
are read here. Tokens moment knows and this does not are kept as written.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

TOKEN = re.compile(
    r"\[[^\]]*\]|YYYY|YY|Qo|Q|MMMM|MMM|Mo|MM|M|DDDD|DDD|Do|DD|D|dddd|ddd|dd|do|d|E|e"
    r"|ww|wo|w|WW|Wo|W|gggg|GGGG|HH|H|hh|h|mm|m|ss|s|A|a|X"
)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def locale_week(day: date) -> tuple[int, int]:
    """moment's ``w`` and ``gggg`` in English: weeks start on Sunday, and week 1 holds Jan 1
    (so a week belongs to the year of its Saturday)."""
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    january = date(saturday.year, 1, 1)
    first_saturday = january + timedelta(days=(5 - january.weekday()) % 7)
    return (saturday - first_saturday).days // 7 + 1, saturday.year


def format_moment(when: datetime, pattern: str) -> str:
    day = when.date()
    sunday_based = (day.weekday() + 1) % 7
    iso_year, iso_week, iso_day = day.isocalendar()
    week, week_year = locale_week(day)
    hour12 = when.hour % 12 or 12
    values = {
        "YYYY": f"{day.year:04d}",
        "YY": f"{day.year % 100:02d}",
        "Q": str((day.month - 1) // 3 + 1),
        "Qo": ordinal((day.month - 1) // 3 + 1),
        "MMMM": MONTHS[day.month - 1],
        "MMM": MONTHS[day.month - 1][:3],
        "Mo": ordinal(day.month),
        "MM": f"{day.month:02d}",
        "M": str(day.month),
        "DDDD": f"{day.timetuple().tm_yday:03d}",
        "DDD": str(day.timetuple().tm_yday),
        "Do": ordinal(day.day),
        "DD": f"{day.day:02d}",
        "D": str(day.day),
        "dddd": DAYS[sunday_based],
        "ddd": DAYS[sunday_based][:3],
        "dd": DAYS[sunday_based][:2],
        "do": ordinal(sunday_based),
        "d": str(sunday_based),
        "E": str(iso_day),
        "e": str(sunday_based),
        "ww": f"{week:02d}",
        "wo": ordinal(week),
        "w": str(week),
        "WW": f"{iso_week:02d}",
        "Wo": ordinal(iso_week),
        "W": str(iso_week),
        "gggg": f"{week_year:04d}",
        "GGGG": f"{iso_year:04d}",
        "HH": f"{when.hour:02d}",
        "H": str(when.hour),
        "hh": f"{hour12:02d}",
        "h": str(hour12),
        "mm": f"{when.minute:02d}",
        "m": str(when.minute),
        "ss": f"{when.second:02d}",
        "s": str(when.second),
        "A": "AM" if when.hour < 12 else "PM",
        "a": "am" if when.hour < 12 else "pm",
        "X": str(int(when.timestamp())),
    }

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        return token[1:-1] if token.startswith("[") else values[token]

    return TOKEN.sub(replace, pattern)
