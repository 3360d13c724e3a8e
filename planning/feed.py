"""The release calendar as an iCalendar feed, for calendar programs to subscribe to."""

import datetime

from icalendar import Calendar, Event

from planning.releases import Release, Status

PRODID = "-//Migration data tracker//Release calendar//EN"
WORDS = {
    Status.UPCOMING: "expected",
    Status.DUE: "out, to take in",
    Status.OVERDUE: "out, not taken in yet",
    Status.TAKEN_IN: "taken in",
    Status.REPLACED: "replaced by a newer release",
}


def calendar_ics(releases: list[Release], *, area_name: str, page_url: str, stamp: datetime.datetime) -> bytes:
    """One all-day event per release on the first of its month: publishers name the month, not the day."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Public releases for {area_name}")
    for release in releases:
        event = Event()
        event.add("uid", f"{release.uid}@migration-data-tracker")
        event.add("dtstamp", stamp)
        event.add("dtstart", release.month)
        event.add("dtend", release.month + datetime.timedelta(days=1))
        event.add("summary", f"{release.source.title} ({WORDS[release.status]})")
        taken = f"\nTaken in on {release.taken_in_on:%d %B %Y}." if release.taken_in_on else ""
        event.add(
            "description",
            f"{release.source.publisher}. Release timing: {release.source.release_timing}.{taken}\n{page_url}",
        )
        event.add("url", page_url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
