"""Small public tables for the council of the shared `area` fixture (E06000099), taken in as the
coordinator would: census counts by country of birth, and a mid-year estimate to make rates from."""

from catalogue.models import Source
from releases.services import public_table_take_in


def census(year: int, uk: int, poland: str, india: int, hidden: int = 4) -> bytes:
    """Poland's count may be given as the publisher's marker ("c"); the total then holds `hidden` for it."""
    total = uk + (int(poland) if poland.isdigit() else hidden) + india
    return (
        "date,geography,geography code,Country of birth: Total; measures: Value,"
        "Country of birth: United Kingdom; measures: Value,Country of birth: Poland; measures: Value,"
        "Country of birth: India; measures: Value\n"
        f"{year},Testborough,E06000099,{total},{uk},{poland},{india}\n"
    ).encode()


def mid_year(residents: int, year: int = 2024) -> bytes:
    male = residents // 2
    return (
        f'"Mid-{year} population estimates for local authorities in England and Wales",,,,,\n'
        '"Units: persons. Estimates are rounded to the nearest person.",,,,,\n'
        '"Code","Name","Geography","All ages","Male","Female"\n'
        f'"E92000001","England","Country",58620101,28871374,29748727\n'
        f'"E06000099","Testborough","Unitary Authority",{residents},{male},{residents - male}\n'
    ).encode()


def take_in(area, user, slug: str, data: bytes, edition: str = "test edition"):
    taken = public_table_take_in(
        area=area, source=Source.objects.get(slug=slug), data=data, filename=f"{slug}.csv", edition=edition, user=user
    )
    assert taken.stored, taken.report["errors"]
    return taken.release
