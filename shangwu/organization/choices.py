from django.db import models


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县(市、区)"
    TOWNSHIP = "township", "乡镇(街道)"


class OrgUnitKind(models.TextChoices):
    BUREAU = "bureau", "市商务局"
    DEPARTMENT = "department", "局内科室"
    COUNTY_BUREAU = "county_bureau", "县区商务局"
    TOWNSHIP_OFFICE = "township_office", "乡镇(街道)办"
    OTHER = "other", "其他单位"
