from django.db import models


class Role(models.TextChoices):
    LEADER = "leader", "局领导"
    CITY_STAFF = "city_staff", "科室人员"
    COUNTY_STAFF = "county_staff", "县区人员"
    TOWNSHIP_STAFF = "township_staff", "乡镇人员"
    ENTERPRISE = "enterprise", "企业用户"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


ADMIN_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}

# The region level a business role works at; the user's unit must sit at that level.
ROLE_LEVEL = {
    Role.LEADER: "city",
    Role.CITY_STAFF: "city",
    Role.COUNTY_STAFF: "county",
    Role.TOWNSHIP_STAFF: "township",
}
