"""The source catalogue (toolkit appendices 1-3 and the ONS LTIM estimates) and reference data.

Content rows carry a `seed_fingerprint`: a hash of the values `load_catalogue` last wrote. When a
row's current values no longer match it, a person has edited the row and the loader leaves it be.

Django finds an app's models in `<app>.models`, so each model is imported here from its module.
"""

from catalogue.models.agencies import Agency
from catalogue.models.areas import Area, AreaCode
from catalogue.models.codes import Country, CountryAlias, GssPrefix, Language, NationalityGroup, NationalityGroupMember
from catalogue.models.sources import Source, SourceAvailability, SourceField, SourceRefresh
from catalogue.models.vocabulary import Definition, Field, GeographyLevel, OrganisationType, Theme

__all__ = [
    "Agency",
    "Area",
    "AreaCode",
    "Country",
    "CountryAlias",
    "Definition",
    "Field",
    "GeographyLevel",
    "GssPrefix",
    "Language",
    "NationalityGroup",
    "NationalityGroupMember",
    "OrganisationType",
    "Source",
    "SourceAvailability",
    "SourceField",
    "SourceRefresh",
    "Theme",
]
