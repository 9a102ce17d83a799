"""The one settings module. Everything that differs between a laptop and production comes from
environment variables, documented in ``.env.example``. SQLite under ``./var/`` by default;
PostgreSQL when ``DATABASE_URL`` says so (CI runs both)."""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHANGWU_VAR_DIR", BASE_DIR / "var"))
NODE_MODULES = Path(os.environ.get("SHANGWU_NODE_MODULES", BASE_DIR / "node_modules"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 应为整数，实际为 {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (VAR_DIR / "secret_key").is_file():
    # Written once by scripts/demo.sh (mode 600), so commands on the demo need no environment.
    SECRET_KEY = (VAR_DIR / "secret_key").read_text().strip()
if not SECRET_KEY:
    if DEBUG or os.environ.get("SHANGWU_TESTING"):
        SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"
    else:
        raise ImproperlyConfigured(
            "未设置 SECRET_KEY：非调试模式必须通过环境变量 SECRET_KEY 或 var/secret_key 文件提供密钥。"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shangwu.core",
    "shangwu.organization",
    "shangwu.accounts",
    "shangwu.workcalendar",
    "shangwu.audit",
    "shangwu.enterprises",
    "shangwu.cases",
    "shangwu.projects",
    "shangwu.indicators",
    "shangwu.tasks",
    "shangwu.promotion",
    "shangwu.vouchers",
    "shangwu.subsidies",
    "shangwu.designations",
    "shangwu.inspections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shangwu.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shangwu.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shangwu.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "shangwu.urls"
WSGI_APPLICATION = "shangwu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shangwu.core.context_processors.navigation",
            ],
        },
    },
]

# Django's widget templates, with select/input/textarea written in Python (same HTML; issue 18).
FORM_RENDERER = "shangwu.core.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shangwu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (DB_CONN_MAX_AGE) as on PostgreSQL: opening one costs ~2.5 ms of CPU
    # (the pragmas below and Django's SQL functions), more than a whole signed-in request; an
    # idle connection holds no transaction, so it keeps no WAL snapshot and blocks no writer.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the server read while a command writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("SQLITE_TEST_ON_DISK", False) else {}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and the 等保 三级 policy defaults ------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# ModelBackend, loading each request's user with its unit, region and the policy stamp in one query.
AUTHENTICATION_BACKENDS = ["shangwu.accounts.backends.UserBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if os.environ.get("SHANGWU_TESTING"):
    # Tests create many users; a fast hasher keeps the suite short. Never outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# These are the defaults of the security policy; the 安全管理员 can change them in the app
# (accounts.SecurityPolicy), and the environment can change the defaults.
SECURITY_POLICY_DEFAULTS = {
    "password_min_length": env_int("PASSWORD_MIN_LENGTH", 10),
    "password_min_classes": env_int("PASSWORD_MIN_CLASSES", 3),
    "password_max_age_days": env_int("PASSWORD_MAX_AGE_DAYS", 90),
    "lockout_threshold": env_int("LOCKOUT_THRESHOLD", 5),
    "lockout_minutes": env_int("LOCKOUT_MINUTES", 15),
    "session_idle_minutes": env_int("SESSION_IDLE_MINUTES", 30),
    "session_absolute_hours": env_int("SESSION_ABSOLUTE_HOURS", 8),
    "api_token_days": env_int("API_TOKEN_DAYS", 90),
    "login_throttle_attempts": env_int("LOGIN_THROTTLE_ATTEMPTS", 20),
    "login_throttle_minutes": env_int("LOGIN_THROTTLE_MINUTES", 5),
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "shangwu.accounts.validators.PolicyLengthValidator"},
    {"NAME": "shangwu.accounts.validators.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# --- Sessions, cookies and headers ---------------------------------------------------------------
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = SECURITY_POLICY_DEFAULTS["session_absolute_hours"] * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "shangwu_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_NAME = "shangwu_csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_PROXY", False) else 0)

# --- Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# 2026-12-07 16:42:40 for every moment on a page (shangwu/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["shangwu.formats"]

# --- Static files: every script, style, font and chart library is served by the platform --------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Filled by `shangwu collect_vendor` from node_modules at set-up (see core/management/commands).
VENDOR_STATIC_DIR = Path(os.environ.get("VENDOR_STATIC_DIR", VAR_DIR / "vendor-static"))
VENDOR_STATIC_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("vendor", VENDOR_STATIC_DIR)]
# Uploaded files go through Django's storage API (core/files.py). Default: a folder on this
# machine (MEDIA_ROOT, under ./var/). An S3-compatible object store (MinIO) is configuration
# alone: FILE_STORAGE_BACKEND=storages.backends.s3.S3Storage plus its options as JSON in
# FILE_STORAGE_OPTIONS (README, Deployment: Files).
FILE_STORAGE_BACKEND = (
    os.environ.get("FILE_STORAGE_BACKEND", "") or "django.core.files.storage.FileSystemStorage"
)
try:
    FILE_STORAGE_OPTIONS = json.loads(os.environ.get("FILE_STORAGE_OPTIONS", "") or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(f"环境变量 FILE_STORAGE_OPTIONS 应为 JSON 对象：{exc}") from exc
if not isinstance(FILE_STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured(
        '环境变量 FILE_STORAGE_OPTIONS 应为 JSON 对象，例如 {"bucket_name": "shangwu"}。'
    )
STORAGES = {
    "default": {"BACKEND": FILE_STORAGE_BACKEND, "OPTIONS": FILE_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if os.environ.get("SHANGWU_TESTING")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve static files straight from the finders (tests and the browser-test server; no collectstatic).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# The voucher platforms' redemption exports: a million rows and more (vouchers.imports streams).
VOUCHER_UPLOAD_MAX_BYTES = env_int("VOUCHER_UPLOAD_MAX_MB", 512) * 1024 * 1024
# Attachments (core/files.py): the largest file, and what one person may upload per day
# (Beijing time) across every module, so nobody can fill the disk.
FILE_MAX_BYTES = env_int("FILE_MAX_MB", 10) * 1024 * 1024
FILE_DAILY_QUOTA_BYTES = env_int("FILE_DAILY_QUOTA_MB", 200) * 1024 * 1024

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its "WWW-Authenticate: Token" makes refused credentials a 401 (DRF asks
        # the first class), and a request carrying a token is judged by that token.
        "shangwu.accounts.api.PolicyTokenAuthentication",
        "shangwu.accounts.api.PolicySessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shangwu.core.api_base.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "shangwu.core.api_base.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shangwu.core.api_base.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "商务局工作平台 API",
    "DESCRIPTION": "shangwu 的 REST 接口。所有接口按用户的区划范围过滤，范围外的对象返回 404。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs describe every endpoint and filter: for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A choice set used by more than one serializer keeps one name.
    "ENUM_NAME_OVERRIDES": {
        "EnterpriseStatusEnum": "shangwu.enterprises.choices.EnterpriseStatus",
        "PromotionEventStatusEnum": "shangwu.promotion.choices.EventStatus",
        "EventAttachmentPurposeEnum": "shangwu.promotion.choices.AttachmentPurpose",
        "DesignationAttachmentPurposeEnum": "shangwu.designations.choices.AttachmentPurpose",
        "SubsidyApplicationStatusEnum": "shangwu.subsidies.choices.ApplicationStatus",
        "SubsidyProgrammeStatusEnum": "shangwu.subsidies.choices.ProgrammeStatus",
        "SubsidyProductCategoryEnum": "shangwu.subsidies.choices.ProductCategory",
        "DesignationLevelEnum": "shangwu.designations.choices.DesignationLevel",
        "DesignationRecommendLevelEnum": "shangwu.designations.choices.RecommendLevel",
        "DesignationReviewResultEnum": "shangwu.designations.choices.ReviewResult",
        "ProgrammeMilestoneResultEnum": "shangwu.designations.choices.MilestoneResult",
        "DesignationHolderTypeEnum": "shangwu.designations.choices.HolderType",
        "InspectionItemResultEnum": "shangwu.inspections.choices.ItemResult",
        "HazardRecheckResultEnum": "shangwu.inspections.choices.RecheckResult",
    },
}

# django-filter: an unset filter reads "全部" (all), not "---------". No "empty" choice by
# default: only a filter on a field that may be blank offers one (null_label), e.g. 乡镇(街道).
FILTERS_EMPTY_CHOICE_LABEL = "全部"

# Cases: a deadline closer than this turns the light yellow (催办).
CASE_WARNING_HOURS = env_int("CASE_WARNING_HOURS", 24)
# PostgreSQL: connections a big deadline pass runs its batches on at once (about the server's cores).
CASE_PASS_CONNECTIONS = env_int("CASE_PASS_CONNECTIONS", 2)

# --- Audit ---------------------------------------------------------------------------------------
# 等保 三级 requires security audit records to be kept at least 180 days.
AUDIT_MIN_RETENTION_DAYS = 180

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Demo: the one password every demo persona uses (printed by `shangwu demo_data`).
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Shangwu@2026demo")
