from django.db import models


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县(市、区)"
    TOWNSHIP = "township", "乡镇(街道)"


# ``limit_choices_to`` of the foreign keys naming a record's place: forms, the API and
# ``full_clean()`` accept only a region of the right level.
COUNTY_ONLY = {"level": RegionLevel.COUNTY}
TOWNSHIP_ONLY = {"level": RegionLevel.TOWNSHIP}
COUNTY_ERRORS = {"invalid": "请选择本市的县(市、区)。"}
TOWNSHIP_ERRORS = {"invalid": "请选择本市的乡镇(街道)。"}


class OrgUnitKind(models.TextChoices):
    BUREAU = "bureau", "市商务局"
    DEPARTMENT = "department", "局内科室"
    COUNTY_BUREAU = "county_bureau", "县区商务局"
    TOWNSHIP_OFFICE = "township_office", "乡镇(街道)办"
    # Departments outside the bureau a problem is often for (自然资源局, 供电公司, 人社局). They
    # have no users here: the assigning unit's liaison records their part on their behalf.
    EXTERNAL = "external", "外部单位"
    OTHER = "other", "其他单位"
