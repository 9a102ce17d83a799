from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账号锁定"
    UNLOCK = "unlock", "账号解锁"
    PASSWORD_CHANGE = "password_change", "修改密码"
    DENIED = "denied", "越权访问"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载文件"
    IMPORT = "import", "导入"
    REVEAL = "reveal", "查看个人信息"
    TOKEN = "token", "签发令牌"
    TOKEN_REVOKE = "token_revoke", "撤销令牌"
    LOGIN_THROTTLED = "login_throttled", "登录限流"
    PRUNE = "prune", "清理审计日志"
