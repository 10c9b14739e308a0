"""Small helps for the window's translated texts (issue 15), shared by its modules: counts,
numbers and dates in the window's language.

Counted words ("1 run", "3 runs") are written once as `translate(context, "%n run(s)", None,
n)`: the installed translator (French, or the English one that only holds plural forms, see
journal.gui.i18n) picks the form.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate reads
    """Mark `text` for lupdate where it is defined (a module constant, before any translator
    exists); the code translates it where it is shown. PySide6's own returns `object` to
    type checkers, this one `str`."""
    return text


def number(n: int) -> str:
    """`n` as the window's locale writes it ("1,234", "1 234"); with the C locale (no
    language chosen, as in tests) in English digits grouped by commas."""
    locale = QLocale()
    return f"{n:,}" if locale.language() == QLocale.Language.C else locale.toString(n)


def decimal(value: float, places: int) -> str:
    """`value` with `places` decimals as the window's locale writes it ("28.2", "28,2")."""
    return QLocale().toString(value, "f", places)


# The format specs core templates use for numbers: "{count:,}", "{speed:.1f}", "{seconds:g}".
_NUMBER_SPEC = re.compile(r"(?P<group>,?)(?:\.(?P<places>\d+))?(?P<kind>[dfg]?)")


def spec_number(value: float, spec: str) -> str:
    """`value` as a Python format `spec` asks (grouping, precision, kind), written as the
    window's locale writes numbers ("1 234", "28,2"). With the C locale (no language chosen)
    or a spec it does not know, exactly as Python writes it: the CLI's English."""
    locale = QLocale()
    match = _NUMBER_SPEC.fullmatch(spec)
    if locale.language() == QLocale.Language.C or match is None:
        return format(value, spec)
    if not match["group"]:
        locale.setNumberOptions(locale.numberOptions() | QLocale.NumberOption.OmitGroupSeparator)
    kind, places = match["kind"], match["places"]
    if isinstance(value, int) and kind in ("", "d"):
        return locale.toString(value)
    if kind == "f":
        return locale.toString(float(value), "f", int(places or 6))
    if kind == "g" or places:
        return locale.toString(float(value), "g", int(places or 6))
    shortest = QLocale.FloatingPointPrecisionOption.FloatingPointShortest
    return locale.toString(float(value), "g", shortest)


def duration_text(seconds: float | None) -> str:
    """ "210 ms" under a second, else "1.20 s" ("1,20 s" in French); "-" when unknown. The
    same rule as the CLI's formatting.seconds, in the window's locale."""
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{decimal(seconds * 1000, 0)} ms"
    return f"{decimal(seconds, 2)} s"


def size_text(size: int) -> str:
    """A size in bytes as the window's locale writes it, decimal units: "512 B", "12.3 kB",
    "12,3 ko" (Qt's own words for the units above a kilobyte)."""
    if size < 1000:
        return QCoreApplication.translate("translating", "{size} B").format(size=size)
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def _qt_moment(moment: datetime) -> QDateTime:
    return QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute, moment.second),
    )


def day_month(day: date) -> str:
    """ "9 Mar" / "9 mars": a day of this year, month named in the window's language."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMM")


def day_month_year(day: date) -> str:
    """ "9 Mar 2026" / "9 mars 2026"."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


def short_moment(moment: datetime, now: datetime | None = None, *, time_today: bool) -> str:
    """A stored moment in local time, short: "14:05" today (when `time_today`), "9 Mar 14:05"
    this year (month named in the window's language), "2025-03-09" before: a year-old
    date reads the same everywhere."""
    local = moment.astimezone()
    now = now or datetime.now().astimezone()
    if time_today and local.date() == now.date():
        return f"{local:%H:%M}"
    if local.year == now.year:
        return day_month_time(local)
    return f"{local:%Y-%m-%d}"


def day_month_time(local: datetime) -> str:
    """ "9 Mar 14:05" / "9 mars 14:05"."""
    return QLocale().toString(_qt_moment(local), "d MMM HH:mm")
