"""Django settings, read from the environment (see README: Configuration)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LINDUNGI_DATA_DIR", Path.cwd() / "var"))

# Placeholders make a development checkout start with no setup; production refuses them.
PLACEHOLDER_PREFIX = "dev-insecure-"
_DEV_SECRET_KEY = PLACEHOLDER_PREFIX + "secret-key-change-me"
_DEV_PII_KEYS = PLACEHOLDER_PREFIX + "k1:ZGV2LWluc2VjdXJlLXBpaS1rZXktMzItYnl0ZXMhIQ=="
_DEV_BLIND_INDEX_KEY = PLACEHOLDER_PREFIX + "ZGV2LWluc2VjdXJlLWJsaW5kLWluZGV4LWtleS0zMiE="

MODE = os.environ.get("LINDUNGI_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured("LINDUNGI_MODE must be 'development' or 'production'")
PRODUCTION = MODE == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY)
PII_KEYS = os.environ.get("LINDUNGI_PII_KEYS", _DEV_PII_KEYS)
BLIND_INDEX_KEY = os.environ.get("LINDUNGI_BLIND_INDEX_KEY", _DEV_BLIND_INDEX_KEY)

if PRODUCTION:
    for _name, _value in {
        "SECRET_KEY": SECRET_KEY,
        "LINDUNGI_PII_KEYS": PII_KEYS,
        "LINDUNGI_BLIND_INDEX_KEY": BLIND_INDEX_KEY,
    }.items():
        if not _value or PLACEHOLDER_PREFIX in _value:
            raise ImproperlyConfigured(
                f"{_name} is a development placeholder; set a real secret in the environment"
            )
    if len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("SECRET_KEY must be at least 40 characters in production")

DEBUG = os.environ.get("LINDUNGI_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "lindungi.core",
    "lindungi.reference",
    "lindungi.accounts",
    "lindungi.registry",
    "lindungi.contributions",
    "lindungi.ingest",
    "lindungi.programs",
    "lindungi.donations",
    "lindungi.compliance",
    "lindungi.analytics",
    "lindungi.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lindungi.urls"
WSGI_APPLICATION = "lindungi.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lindungi.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while a batch writes; busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # WAL: readers never wait for the writer; a 64 MB page cache keeps a batch's index
        # pages of a registry of millions in memory (the default is 2 MB).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINDUNGI_LOG_LEVEL", "WARNING")},
}
