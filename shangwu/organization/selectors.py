from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region


def region_list_counties(*, user=None):
    """The counties a user may pick (all of them for reference data; scoped for business forms)."""
    qs = Region.objects.filter(level=RegionLevel.COUNTY)
    if user is not None and user.region is not None and user.region.level != RegionLevel.CITY:
        county = user.region.county
        qs = qs.filter(pk=county.pk if county else None)
    return qs


def region_list_townships(*, user=None, county=None):
    qs = Region.objects.filter(level=RegionLevel.TOWNSHIP).select_related("parent")
    if county is not None:
        qs = qs.filter(parent=county)
    if user is not None and user.region is not None:
        if user.region.level == RegionLevel.COUNTY:
            qs = qs.filter(parent=user.region)
        elif user.region.level == RegionLevel.TOWNSHIP:
            qs = qs.filter(pk=user.region.pk)
    return qs
