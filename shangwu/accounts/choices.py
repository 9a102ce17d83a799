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


class ChangeKind(models.TextChoices):
    """What a change request asks for (三权分立: the 系统管理员 asks, the 安全管理员 decides)."""

    USER_CREATE = "user_create", "新建账号"
    USER_CHANGE = "user_change", "变更账号"
    PASSWORD_RESET = "password_reset", "重置密码"
    ORGUNIT_MOVE = "orgunit_move", "机构调整区划"
    REGION_MOVE = "region_move", "区划调整上级"


# The kinds whose approval ends with an initial password for the requester to hand over.
PASSWORD_KINDS = {ChangeKind.USER_CREATE, ChangeKind.PASSWORD_RESET}


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已拒绝"
