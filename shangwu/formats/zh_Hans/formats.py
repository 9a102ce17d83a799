"""The platform's one way of writing a moment: 2026-12-07 16:42:40 (Beijing time, the template
engine converts to settings.TIME_ZONE). Django's zh_Hans locale would print 2026年12月7日 16:42
for ``{{ moment }}``; pages, lists and exports all use this instead (``core.tables`` keeps the
same format for Python-side text). Dates keep the locale's formats (not listed here)."""

DATETIME_FORMAT = "Y-m-d H:i:s"
SHORT_DATETIME_FORMAT = "Y-m-d H:i:s"
