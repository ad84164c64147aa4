"""Rucher settings: everything comes from environment variables with safe defaults.

The table of variables is in the README; keep both in step. A setting that switches an
integration on without what it needs stops the start with a clear message (see ``config``).
"""

from __future__ import annotations

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from rucher.core import config

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent

DATA_DIR = config.data_dir(BASE_DIR)
SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("DEBUG", default=False)
TESTING = config.env_bool("RUCHER_TESTING", default=False)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = config.env_str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEMO_MODE = config.env_bool("RUCHER_DEMO", default=False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django_tasks_db",
    "channels",
    "ninja",
    "rucher.core",
    "rucher.accounts",
    "rucher.communities",
    "rucher.content",
    "rucher.notifications",
    "rucher.analytics",
    "rucher.ops",
    "rucher.exchange",
    "rucher.pilots",
    "rucher.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rucher.api_errors.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rucher.accounts.middleware.UserLanguageMiddleware",
    "rucher.accounts.middleware.PresenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "rucher.urls"
ASGI_APPLICATION = "rucher.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rucher.core.context_processors.rucher",
                "rucher.notifications.context_processors.notifications",
            ],
            "builtins": ["rucher.core.templatetags.rucher_ui"],
        },
    }
]

DATABASES = {"default": config.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.env_str("REDIS_URL", default="")
CHANNEL_LAYERS = config.channel_layers(REDIS_URL)
CACHES = config.caches(REDIS_URL, None if TESTING else DATA_DIR)
if TESTING:
    # Test runs may share one Redis: counters such as failed log-ins must not leak between them.
    import uuid

    CACHES["default"]["KEY_PREFIX"] = f"rucher-test-{uuid.uuid4().hex}"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EVENT_CONSUMERS_INLINE = TESTING
EVENT_GAP_PATIENCE_SECONDS = (
    0 if TESTING else config.env_int("EVENT_GAP_PATIENCE_SECONDS", default=10)
)
if TESTING:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["rucher.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is irrelevant to what the tests check and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = config.env_int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
SECURE_COOKIES = config.env_bool("SECURE_COOKIES", default=SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
if config.env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = config.env_str("TIME_ZONE", default="Europe/Paris")
config.check_time_zone(TIME_ZONE)

STATIC_URL = "/static/"
STATICFILES_DIRS = [SRC_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# Media is never served by URL, local or in a bucket: every file goes through a view that
# applies the access policy (docs/decisions/0004-media-through-policy.md).
STORAGES = {
    # Local files under MEDIA_ROOT, or an S3-compatible bucket when S3_BUCKET is set.
    "default": config.file_storage(),
    # Hashed file names let browsers cache static files for a year; `rucher serve` runs
    # collectstatic first. Tests and DEBUG read the source files directly.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

MAILERS = config.mailers()
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", default="Rucher <rucher@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

PROFILE_PHOTO_MAX_BYTES = config.env_int("PROFILE_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
ATTACHMENT_MAX_BYTES = config.env_int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

NINJA_PAGINATION_PER_PAGE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
