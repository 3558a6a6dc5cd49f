"""bangfu settings: one module, read from the environment.

Safe defaults serve the embedded case (one district office, one machine, SQLite in ``var/``);
a province sets ``DATABASE_URL=postgres://…`` and the HTTPS switches. See docs/operations.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BANGFU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_from_var(filename: str, make) -> str:
    """A secret generated once into ``var/`` so that a fresh install needs no configuration."""
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or secret_from_var(
    "secret_key", lambda: secrets.token_urlsafe(64)
)
# The audit chain is keyed apart from SECRET_KEY so that rotating sessions never breaks the chain.
AUDIT_KEY = os.environ.get("BANGFU_AUDIT_KEY") or secret_from_var(
    "audit_key", lambda: secrets.token_hex(32)
)
# The audit keys before the current one, comma-separated: a replaced key keys no new entry
# (``manage.py rotate_keys`` switches the chain to BANGFU_AUDIT_KEY), but the entries it
# keyed need it to verify, for as long as the log is kept.
AUDIT_KEYS_PREVIOUS = [
    key for key in os.environ.get("BANGFU_AUDIT_KEYS_PREVIOUS", "").split(",") if key.strip()
]
# Personal data at rest (core.protection): Fernet keys, comma-separated, the first one sealing;
# and the key of the look-up hashes. Losing them loses every sealed ID number: back them up.
FIELD_KEYS = (
    os.environ.get("BANGFU_FIELD_KEYS")
    or secret_from_var("field_key", lambda: Fernet.generate_key().decode())
).split(",")
LOOKUP_KEY = os.environ.get("BANGFU_LOOKUP_KEY") or secret_from_var(
    "lookup_key", lambda: secrets.token_hex(32)
)
# The cryptography profile (core.protection): "intl" (Fernet, HMAC-SHA256) or "gm" (国密:
# SM4-GCM, HMAC-SM3). SM4 keys: 32 hex digits each, comma-separated, the first sealing.
# While ``manage.py rotate_keys`` runs, BANGFU_CRYPTO_PREVIOUS / BANGFU_LOOKUP_KEY_PREVIOUS
# name the scheme rows not yet rotated carry, so look-ups still find them.
CRYPTO_PROFILE = os.environ.get("BANGFU_CRYPTO", "intl").strip() or "intl"
CRYPTO_PREVIOUS = os.environ.get("BANGFU_CRYPTO_PREVIOUS", "").strip()
for _profile in filter(None, (CRYPTO_PROFILE, CRYPTO_PREVIOUS)):
    if _profile not in {"intl", "gm"}:
        raise ImproperlyConfigured(f"BANGFU_CRYPTO must be intl or gm, not {_profile!r}")
SM4_KEYS = (
    os.environ.get("BANGFU_SM4_KEYS") or secret_from_var("sm4_key", lambda: secrets.token_hex(16))
).split(",")
LOOKUP_KEY_PREVIOUS = os.environ.get("BANGFU_LOOKUP_KEY_PREVIOUS", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# No django.contrib.admin: it would read and write around the scoping gate and the services.
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # its bundled Swagger UI, so /api/docs needs no CDN
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "bangfu.core",
    "bangfu.accounts",
    "bangfu.registry",
    "bangfu.pairing",
    "bangfu.visits",
    "bangfu.teams",
    "bangfu.health",
    "bangfu.plans",
    "bangfu.monitoring",
    "bangfu.checks",
    "bangfu.projects",
    "bangfu.supervision",
    "bangfu.reports",
    "bangfu.national",
    "bangfu.exchange",
    "bangfu.api",
    "bangfu.demo",
]

MIDDLEWARE = [
    # First: the request id is on every log record and response, redirects to https included.
    "bangfu.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers static files itself: those stay cacheable.
    "bangfu.core.middleware.ContentSecurityPolicyMiddleware",
    "bangfu.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bangfu.accounts.context_processors.navigation",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "bangfu.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN
    # so that two writers queue on busy_timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: the failure count and cool-off are policies (auth.lockout_failures,
# auth.lockout_minutes), read for the place of the account being tried.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = "bangfu.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "bangfu.accounts.lockout.cool_off"
AXES_LOCKOUT_CALLABLE = "bangfu.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Locking by address too would lock a whole township office behind one NAT gateway after one
# person's typos; accounts are locked by name, which is what the rule asks for.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_VERBOSE = False

# Sessions end after a period of inactivity (policy auth.session_idle_minutes, applied at login);
# saving on every request slides the expiry forward while the user is active.
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Outside var/ on a server (BANGFU_STATIC_ROOT), so that nginx may read the static files
# without reaching var/'s secrets and uploads.
STATIC_ROOT = Path(os.environ.get("BANGFU_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Installed from the npm registry at set-up (package-lock.json) and served by the app itself:
# only the files the pages load (core.staticfiles.VendorFileFinder).
BANGFU_VENDOR_FILES = {
    "vendor/echarts/echarts.min.js": "node_modules/echarts/dist/echarts.min.js",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "bangfu.core.staticfiles.AppDirectoriesFinder",
    "bangfu.core.staticfiles.VendorFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are read by developers' tools only: compressing them was most of the first
# collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("woff", "woff2", "map"),
]
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Who delivers helpers' reminders (bangfu.visits.reminders.Sender); an SMS or WeChat Work
# sender is one class named here.
BANGFU_REMINDER_SENDER = os.environ.get(
    "BANGFU_REMINDER_SENDER", "bangfu.visits.reminders.LogSender"
)

NINJA_PAGINATION_PER_PAGE = 50

# Behind TLS (a province's deployment) these switch on together; a district laptop on a LAN
# without certificates leaves them off.
HTTPS = env_bool("BANGFU_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BANGFU_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    MIDDLEWARE.insert(1, "bangfu.core.middleware.ProxiedClientAddressMiddleware")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (bangfu.core.middleware; the form of Django 6's setting). No inline
# script or style and no eval anywhere: scripts and styles are static files, data for scripts
# is in json_script blocks or data- attributes. Images may also be data: URLs (the blank icon
# of base.html) and blob: URLs (a photo still on the phone, should the capture page show
# one); the service worker and every fetch stay on this origin.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Each record carries the id of the request being answered (core.logs); BANGFU_LOG_FORMAT=json
# writes one JSON object a line for a server's log collector, the default reads in a terminal.
LOG_FORMAT = os.environ.get("BANGFU_LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("BANGFU_LOG_FORMAT is text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "bangfu.core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "bangfu.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
