"""Django settings for Haven, all read from the environment.

The defaults run Haven embedded: SQLite, a file-system task queue and no servers.
Set HAVEN_MODE=production and Haven refuses to start without its secrets.
"""

import base64
import hashlib
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from haven.env import database_from_url, env_bool, env_float, env_int, env_list, env_str
from haven.fetching.client import validate_proxy_setting
from haven.fetching.policy import validate_networks

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


HAVEN_MODE = env_str("HAVEN_MODE", "development")
PRODUCTION = HAVEN_MODE == "production"
if HAVEN_MODE not in {"development", "production", "test"}:
    raise ImproperlyConfigured("HAVEN_MODE must be development, production or test")

DATA_DIR = Path(env_str("HAVEN_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Development keys are derived from a fixed phrase so that a fresh clone runs with no
# set-up; production refuses them below.
_DEV_SECRET = "haven-development-only-secret-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("HAVEN_SECRET_KEY", _DEV_SECRET)
EVIDENCE_KEY = env_str(
    "HAVEN_EVIDENCE_KEY",
    base64.urlsafe_b64encode(hashlib.sha256(b"haven-dev-evidence-key").digest()).decode(),
)
DEBUG = env_bool("HAVEN_DEBUG", not PRODUCTION)
DEMO_MODE = env_bool("HAVEN_DEMO_MODE", False)

if PRODUCTION:
    missing = [
        name
        for name in ("HAVEN_SECRET_KEY", "HAVEN_EVIDENCE_KEY", "HAVEN_ALLOWED_HOSTS")
        if not os.environ.get(name)
    ]
    if missing:
        raise ImproperlyConfigured("Production mode needs these secrets set: " + ", ".join(missing))
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("HAVEN_SECRET_KEY must be a random string of 32+ characters")
    if DEBUG or DEMO_MODE:
        raise ImproperlyConfigured("Production mode refuses HAVEN_DEBUG and HAVEN_DEMO_MODE")

ALLOWED_HOSTS = env_list("HAVEN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("HAVEN_CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies in front of Haven append to X-Forwarded-For. With 0, the
# header is ignored (a client could forge it); lockouts then use the socket address.
TRUSTED_PROXY_COUNT = env_int("HAVEN_TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "haven.web",
    "haven.accounts",
    "haven.audit",
    "haven.jobs",
    "haven.hashing",
    "haven.matching",
    "haven.exchanges",
    "haven.hma",
    "haven.reports",
    "haven.triage",
    "haven.classification",
    "haven.fetching",
    "haven.hosting",
    "haven.takedown",
    "haven.routing",
    "haven.cybertip",
    "haven.network",
    "haven.helpline",
    "haven.chat",
    "haven.messaging",
    "haven.emergencies",
    "haven.cases",
    "haven.access",
    "haven.api",
    "haven.stats",
    "haven.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haven.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "haven.urls"
ASGI_APPLICATION = "haven.asgi.application"
WSGI_APPLICATION = "haven.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "triage:queue"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.web.context.haven",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'haven.sqlite3'}"), BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("HAVEN_CACHE_URL", "")
CACHES: dict[str, dict[str, object]]
if CACHE_URL.startswith("redis://"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    # Files under the data directory, shared by every process on this machine, so that
    # API rate limits and status-page throttles count once however many web processes
    # run. Sign-in lockouts live in the database. Across machines, use Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_FAILURE_LIMIT = env_int("HAVEN_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("HAVEN_LOGIN_LOCKOUT_MINUTES", 15)
REQUIRE_TWO_FACTOR = env_bool("HAVEN_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Haven"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("hi", "हिन्दी"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("HAVEN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
# Uploads go to memory up to this size, then to a temporary file; never to MEDIA_ROOT.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Above the forms' own limits, so that people get the form's message, not a bare 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 200

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("HAVEN_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing leaves for other sites; "no-referrer" would also make browsers send
# "Origin: null" on our own forms, which Django's CSRF check rightly refuses.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "haven.web.views.csrf_failure"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("HAVEN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("HAVEN_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = env_str(
    "HAVEN_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("HAVEN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HAVEN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("HAVEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("HAVEN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HAVEN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("HAVEN_FROM_EMAIL", "haven@localhost")

# --- Background work (Celery) -------------------------------------------------------
# Embedded default: a file-system broker under DATA_DIR, so no server is needed. Every
# job is also a row in the database (see haven.jobs), which is what makes queued work
# survive a killed worker on any broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem"):
    (DATA_DIR / "queue").mkdir(exist_ok=True)
    (DATA_DIR / "queue-processed").mkdir(exist_ok=True)
    (DATA_DIR / "queue-control").mkdir(exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(DATA_DIR / "queue"),
        "data_folder_out": str(DATA_DIR / "queue"),
        "processed_folder": str(DATA_DIR / "queue-processed"),
        "control_folder": str(DATA_DIR / "queue-control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Two queues: "celery" for most work and "match" for jobs that need the PDQ index. A
# worker started without --queues serves both; dedicated matchers use `--queues match`.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name), routing_key=name) for name in ("celery", "match")
)
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_REDIRECT_STDOUTS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

JOB_LEASE_SECONDS = env_int("HAVEN_JOB_LEASE_SECONDS", 300)
JOB_MAX_ATTEMPTS = env_int("HAVEN_JOB_MAX_ATTEMPTS", 5)
JOB_SWEEP_SECONDS = env_int("HAVEN_JOB_SWEEP_SECONDS", 30)
# Tests use this to make a job slow enough to kill a worker in the middle of it.
JOB_TEST_DELAY_SECONDS = float(env_str("HAVEN_JOB_TEST_DELAY_SECONDS", "0") or 0)

# --- Media intake ---------------------------------------------------------------------
MAX_UPLOAD_BYTES = env_int("HAVEN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
MAX_IMAGE_PIXELS = env_int("HAVEN_MAX_IMAGE_PIXELS", 50_000_000)
# Videos: hash at most this many frames (10 minutes at 60 fps, 20 at 30) of at most
# this many pixels each (4K); reported videos get one frame hash a second (0: every one).
MAX_VIDEO_FRAMES = env_int("HAVEN_MAX_VIDEO_FRAMES", 36_000)
MAX_VIDEO_PIXELS = env_int("HAVEN_MAX_VIDEO_PIXELS", 3840 * 2160)
VPDQ_SECONDS_PER_HASH = env_float("HAVEN_VPDQ_SECONDS_PER_HASH", 1.0)
STAGING_DIR = DATA_DIR / "staging"
EVIDENCE_DIR = DATA_DIR / "evidence"
PDQ_MIN_QUALITY = env_int("HAVEN_PDQ_MIN_QUALITY", 50)
# Where the PDQ index snapshots live (shared by every process on the machine), how often
# a process checks the banks for changes, and how often a new snapshot is written.
PDQ_INDEX_DIR = env_str("HAVEN_PDQ_INDEX_DIR", str(DATA_DIR / "index"))
PDQ_INDEX_POLL_SECONDS = env_float("HAVEN_PDQ_INDEX_POLL_SECONDS", 1.0)
PDQ_INDEX_SNAPSHOT_SECONDS = env_int("HAVEN_PDQ_INDEX_SNAPSHOT_SECONDS", 600)
# Exchanges (docs/exchanges.md). Custom exchange addresses are for tests against fakes.
EXCHANGE_ALLOW_CUSTOM_URLS = env_bool("HAVEN_EXCHANGE_ALLOW_CUSTOM_URLS", False)
EXCHANGE_HTTP_TIMEOUT_SECONDS = env_float("HAVEN_EXCHANGE_HTTP_TIMEOUT_SECONDS", 60.0)
EXCHANGE_LEASE_MINUTES = env_float("HAVEN_EXCHANGE_LEASE_MINUTES", 15.0)
EXCHANGE_FEED_SETTLE_SECONDS = env_float("HAVEN_EXCHANGE_FEED_SETTLE_SECONDS", 30.0)

# Fetching reported addresses (haven.fetching): only public addresses, with caps.
# On: every reported address is fetched (hashed, matched) and located when it arrives.
FETCH_ON_REPORT = env_bool("HAVEN_FETCH_ON_REPORT", True)
FETCH_MAX_BYTES = env_int("HAVEN_FETCH_MAX_BYTES", 25 * 1024 * 1024)
FETCH_TIMEOUT_SECONDS = env_float("HAVEN_FETCH_TIMEOUT_SECONDS", 30.0)
FETCH_CONNECT_TIMEOUT_SECONDS = env_float("HAVEN_FETCH_CONNECT_TIMEOUT_SECONDS", 5.0)
FETCH_MAX_REDIRECTS = env_int("HAVEN_FETCH_MAX_REDIRECTS", 5)
# An HTTP proxy all fetches go through (http://host:port), e.g. an egress proxy
# outside the hotline's network. Addresses are still checked before each request.
FETCH_PROXY = env_str("HAVEN_FETCH_PROXY", "")
if (_problem := validate_proxy_setting(FETCH_PROXY)) is not None:
    raise ImproperlyConfigured(_problem)  # never quotes the value (it holds the password)
# Empty: a current desktop browser's User-Agent (haven.fetching.policy.DEFAULT_USER_AGENT),
# so that a host cannot answer 404 to Haven alone (cloaking) and have a removal confirmed.
FETCH_USER_AGENT = env_str("HAVEN_FETCH_USER_AGENT", "")
# The operator's own networks (CIDR) that fetches must never reach, on top of the policy.
FETCH_EXTRA_FORBIDDEN_NETWORKS = env_list("HAVEN_FETCH_EXTRA_FORBIDDEN_NETWORKS", [])
if (_problem := validate_networks(FETCH_EXTRA_FORBIDDEN_NETWORKS)) is not None:
    raise ImproperlyConfigured("HAVEN_FETCH_EXTRA_FORBIDDEN_NETWORKS: " + _problem)
# Test-only: networks (CIDR) the safety policy lets through, e.g. 127.0.0.1/32 for
# local test servers. Production refuses any.
FETCH_TEST_ALLOW_NETWORKS = env_list("HAVEN_FETCH_TEST_ALLOW_NETWORKS", [])
if PRODUCTION and FETCH_TEST_ALLOW_NETWORKS:
    raise ImproperlyConfigured("HAVEN_FETCH_TEST_ALLOW_NETWORKS is for tests only")

# Where is it hosted (haven.hosting). RDAP base URL; empty turns RDAP off and only the
# operator's directory is used.
RDAP_URL = env_str("HAVEN_RDAP_URL", "https://rdap.org/")
RDAP_TIMEOUT_SECONDS = env_float("HAVEN_RDAP_TIMEOUT_SECONDS", 10.0)
# Optional CSV of `network,country` lines that override the bundled IP-to-country data.
IP_COUNTRY_OVERRIDES_FILE = env_str("HAVEN_IP_COUNTRY_OVERRIDES_FILE", "")

# Notice and takedown (haven.takedown): how often the scheduler looks for due work.
TAKEDOWN_SCHEDULER_SECONDS = env_float("HAVEN_TAKEDOWN_SCHEDULER_SECONDS", 60.0)
# Allow plain-http notice APIs (the Bearer token then travels in clear): tests and
# closed networks only.
TAKEDOWN_API_ALLOW_HTTP = env_bool("HAVEN_TAKEDOWN_API_ALLOW_HTTP", False)


def _is_this_machine(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


# Haven's public address (https://haven.example.org): the start of every link sent out
# (referral acknowledgements, notice answers, responders' emergency links) and the
# address SMS providers sign their webhook calls with.
PUBLIC_BASE_URL = env_str("HAVEN_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
if PRODUCTION:
    # Links to this machine would reach nobody, and Twilio's signatures would never match.
    _public = urlsplit(PUBLIC_BASE_URL.strip())
    _host = (_public.hostname or "").lower()
    if not os.environ.get("HAVEN_PUBLIC_BASE_URL", "").strip():
        raise ImproperlyConfigured(
            "Production mode needs HAVEN_PUBLIC_BASE_URL: Haven's public https address, "
            "such as https://haven.example.org (the start of links in alerts and notices)"
        )
    if _public.scheme != "https" or not _host:
        raise ImproperlyConfigured(
            "HAVEN_PUBLIC_BASE_URL must be an https address such as https://haven.example.org"
        )
    if _is_this_machine(_host):
        raise ImproperlyConfigured(
            "HAVEN_PUBLIC_BASE_URL must be Haven's public address, not this machine's "
            f"loopback ({_host}): links in alerts and notices would reach nobody"
        )

# Referrals to partners (haven.routing): chase unacknowledged ones every N hours, at
# most M times; partner Havens are reached over https only unless plain http is allowed.
ROUTING_CHASE_HOURS = env_float("HAVEN_ROUTING_CHASE_HOURS", 24.0)
ROUTING_MAX_CHASES = env_int("HAVEN_ROUTING_MAX_CHASES", 3)
ROUTING_API_TIMEOUT_SECONDS = env_float("HAVEN_ROUTING_API_TIMEOUT_SECONDS", 30.0)
ROUTING_ALLOW_HTTP = env_bool("HAVEN_ROUTING_ALLOW_HTTP", False)

# Helpline (haven.helpline, chat, messaging, emergencies, cases). Per-organisation times
# (emergency target, acknowledgement window, retention) are HelplineSettings rows.
# Chat: how a message written in one web process reaches a chat open in another.
# "poll" (default) watches the database: works on one machine with any number of
# processes and no server. "redis://host:6379/0" uses Redis publish/subscribe instead.
# The key of the keyed hash that recognises a returning child by phone number or handle
# (never stored in plain). Changing it only stops earlier contacts being recognised.
CONTACT_KEY = env_str("HAVEN_CONTACT_KEY", "") or f"contact-key:{SECRET_KEY}"
CHAT_BUS = env_str("HAVEN_CHAT_BUS", "poll")
CHAT_POLL_SECONDS = env_float("HAVEN_CHAT_POLL_SECONDS", 0.1)
# Flood control: at most this many messages from one child in any 10 seconds.
CHAT_MAX_MESSAGES_PER_10S = env_int("HAVEN_CHAT_MAX_MESSAGES_PER_10S", 10)
CHAT_MAX_MESSAGE_CHARS = env_int("HAVEN_CHAT_MAX_MESSAGE_CHARS", 2000)
# New chats one address may start in an hour. Generous: mobile networks put many phones
# behind one address, and a child turned away is worse than a spam chat a supervisor ends.
CHAT_STARTS_PER_HOUR = env_int("HAVEN_CHAT_STARTS_PER_HOUR", 20)
# SMS and messaging providers: plain-http provider APIs only in tests and closed networks.
SMS_API_ALLOW_HTTP = env_bool("HAVEN_SMS_API_ALLOW_HTTP", False)
SMS_API_TIMEOUT_SECONDS = env_float("HAVEN_SMS_API_TIMEOUT_SECONDS", 15.0)
# How often the scheduler looks for emergencies to escalate (and helpline records due).
HELPLINE_SCHEDULER_SECONDS = env_float("HAVEN_HELPLINE_SCHEDULER_SECONDS", 30.0)
# Access policy: children's requests to unblock and alerts to their trusted adults are
# deleted this long after they were answered (or made, when never answered); an approval
# still in force is kept, without the child's message and the adult's note.
ACCESS_RETENTION_DAYS = env_int("HAVEN_ACCESS_RETENTION_DAYS", 90)

# A responder's emergency link stops working this long after the emergency closes, and
# this long after it was sent at most.
EMERGENCY_LINK_GRACE_MINUTES = env_int("HAVEN_EMERGENCY_LINK_GRACE_MINUTES", 120)
EMERGENCY_LINK_MAX_HOURS = env_int("HAVEN_EMERGENCY_LINK_MAX_HOURS", 48)
# Flood guards on the public report form's "a child is in danger right now". From one
# sender (a keyed hash of the address, never the address), at most this many an hour
# open an emergency; more are kept as reports at the top of the hotline's queue.
PUBLIC_DANGER_REPORTS_PER_HOUR = env_int("HAVEN_PUBLIC_DANGER_REPORTS_PER_HOUR", 3)
# Per organisation, at most this many emergencies an hour from the public form alert
# responders at once; beyond it they open "needs confirmation": supervisors are alerted
# and a member of staff confirms before any responder is (0: always confirm first).
PUBLIC_EMERGENCIES_PER_HOUR = env_int("HAVEN_PUBLIC_EMERGENCIES_PER_HOUR", 10)

# NCMEC's CyberTipline reporting API (haven.cybertip): the operator's endpoint and
# credentials. Empty: CyberTipline XML can be built and downloaded but not sent.
NCMEC_API_URL = env_str("HAVEN_NCMEC_API_URL", "")
NCMEC_USERNAME = env_str("HAVEN_NCMEC_USERNAME", "")
NCMEC_PASSWORD = env_str("HAVEN_NCMEC_PASSWORD", "")
NCMEC_TIMEOUT_SECONDS = env_float("HAVEN_NCMEC_TIMEOUT_SECONDS", 60.0)
# The CyberTipline schema to validate against; empty: the copy shipped with Haven.
NCMEC_XSD = env_str("HAVEN_NCMEC_XSD", "")

# --- Public reporting -----------------------------------------------------------------
PUBLIC_ORGANISATION = env_str("HAVEN_PUBLIC_ORGANISATION", "")
STATUS_PIN_ATTEMPTS = env_int("HAVEN_STATUS_PIN_ATTEMPTS", 5)
CONTACT_RETENTION_DAYS = env_int("HAVEN_CONTACT_RETENTION_DAYS", 90)
EMERGENCY_NUMBER = env_str("HAVEN_EMERGENCY_NUMBER", "112")
HELPLINE_NUMBER = env_str("HAVEN_HELPLINE_NUMBER", "116 111")

# --- API ------------------------------------------------------------------------------
API_RATE_PER_MINUTE = env_int("HAVEN_API_RATE_PER_MINUTE", 600)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "haven.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["haven.api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "haven.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Haven API",
    "DESCRIPTION": (
        "Submit reports of harm to children online, read their status, and work the "
        "triage queue. Authenticate with `Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HAVEN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
