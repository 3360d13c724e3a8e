"""The data-collection template of a request: its columns, code lists and instructions."""

import datetime

from catalogue.models import AreaCode, Country, Field, GeographyLevel, GssPrefix, Language
from requests_app.collection_template import CodeList, TemplateColumn, TemplateSpec
from requests_app.models import DataRequest

AGE_BANDS = [
    ("0-4", "0 to 4"),
    ("5-10", "5 to 10"),
    ("11-15", "11 to 15"),
    ("16-17", "16 to 17"),
    ("18-24", "18 to 24"),
    ("25-34", "25 to 34"),
    ("35-49", "35 to 49"),
    ("50-64", "50 to 64"),
    ("65+", "65 and over"),
    ("Unknown", "Age not recorded"),
]
GENDERS = [("F", "Female"), ("M", "Male"), ("X", "Another gender"), ("U", "Not recorded")]
MIGRANT_TYPES = [
    ("asylum-seeker", "Asylum seeker"),
    ("refugee", "Refugee (leave to remain)"),
    ("economic", "Economic migrant / worker"),
    ("student", "International student"),
    ("family", "Family member"),
    ("nrpf", "No recourse to public funds"),
    ("other", "Other"),
    ("unknown", "Not recorded"),
]


def _periods(request: DataRequest) -> list[tuple[str, str]]:
    periods, day = [], request.period_start.replace(day=1)
    while day <= request.period_end:
        if request.granularity == "month":
            periods.append((f"{day:%Y-%m}", f"{day:%B %Y}"))
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        elif request.granularity == "quarter":
            quarter = (day.month - 1) // 3 + 1
            periods.append((f"{day.year} Q{quarter}", f"{day.year} quarter {quarter} (calendar)"))
            day = datetime.date(day.year + (quarter == 4), (quarter % 4) * 3 + 1, 1)
        else:
            periods.append((str(day.year), f"{day.year}"))
            day = datetime.date(day.year + 1, 1, 1)
    return periods


def _code_list(field: Field, request: DataRequest) -> CodeList | None:
    code = field.code
    if code == "age":
        return CodeList(field.name, "Age bands", AGE_BANDS)
    if code == "gender":
        return CodeList(field.name, "Gender", GENDERS)
    if code == "immigration-status":
        return CodeList(field.name, "Immigration status / migrant type", MIGRANT_TYPES)
    if code == "period":
        return CodeList(field.name, "Periods", _periods(request))
    if code in ("country-of-birth", "nationality"):
        countries = Country.objects.order_by("kind", "name").values_list("code", "name")
        return CodeList(
            field.name,
            "Countries (ISO 3166 codes; names and nationality words are also accepted)",
            list(countries),
            closed=False,
        )
    if code == "main-language":
        languages = Language.objects.exclude(alpha2="").order_by("name").values_list("code", "name")
        return CodeList(
            field.name, "Languages (ISO 639-3 codes; names are also accepted)", list(languages), closed=False
        )
    if code == "ward":
        level: GeographyLevel = request.geography_level
        known = list(AreaCode.objects.filter(area=request.agency.area, level=level).values_list("code", "name"))
        if known:
            return CodeList(field.name, f"{level.name} codes in {request.agency.area.name}", known)
        prefixes = GssPrefix.objects.filter(level=level).values_list("prefix", "name")
        examples = [(f"{p}xxxxxx", f"{name}: 9-character GSS code") for p, name in prefixes]
        return CodeList(
            field.name, f"{level.name} codes", examples or [("", f"Name of the {level.name.lower()}")], closed=False
        )
    return None


def _note(field: Field, request: DataRequest) -> str:
    """What to write in a column: the field's description whole, and for the period this request's
    own examples, since the catalogue's examples mix months, quarters and years."""
    if field.code != "period":
        return field.description
    examples = " or ".join(code for code, _ in _periods(request)[:2])
    return f"The {request.granularity} the count refers to, written as in the Allowed codes, e.g. {examples}."


def template_spec(request: DataRequest) -> TemplateSpec:
    """Exactly the requested fields, in canonical order, then the count."""
    fields = list(request.fields.order_by("order"))
    columns = [TemplateColumn(f.name, f.code, _note(f, request)) for f in fields]
    columns.append(TemplateColumn("Count", None, "Number of people (or cases) in this combination."))
    code_lists = [cl for cl in (_code_list(f, request) for f in fields) if cl]
    instructions = [
        f"Purpose: {request.purpose}",
        f"Period: {request.period_start:%d %B %Y} to {request.period_end:%d %B %Y}, "
        # The choice's value is the unit's own word: "by month", where the label would say "by monthly period".
        f"counted by {request.granularity}.",
        f"Geography: {request.geography_level.name}.",
        "One row per combination of the columns, with the number of people in the Count column.",
        "Do not send names, dates of birth, NHS numbers, pupil numbers or full postcodes: counts only."
        if request.aggregate_only
        else "Send the data in the agreed form.",
        "Leave a category out rather than writing 0 only if it does not exist at all; write 0 when there were none.",
        "Upload the completed file on the request page in the tracker.",
    ]
    return TemplateSpec(
        title=request.title,
        reference=request.reference,
        agency=request.agency.name,
        columns=columns,
        code_lists=code_lists,
        instructions=instructions,
        threshold=request.reporting_threshold,
    )


def allowed_area_codes(request: DataRequest) -> CodeList | None:
    """The area codes the request's template allows, for a report whose codes were refused; None
    when the request asks for no area column."""
    field = request.fields.filter(code="ward").first()
    return _code_list(field, request) if field else None
