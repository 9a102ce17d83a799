"""Settings of ``bench/http_load.py``'s server: the production settings, plus the bench-only URL
conf that adds Django's floor (two plain views behind the same middleware). Never used outside
the benchmark; the production URL conf has no bench routes."""

from shangwu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
# The demo users are built by the benchmark's own process (SHANGWU_TESTING: the fast hasher);
# the server, in production mode, must still verify them at sign-in (Django then rehashes).
PASSWORD_HASHERS = [  # noqa: F405
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
# Production resolves {% static %} through a manifest; the benchmark collects one (uncompressed,
# to keep the setup short) into its temporary folder.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
