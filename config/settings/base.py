"""Settings shared by every environment, read from the environment (12-factor).

Defaults give a working embedded set-up (SQLite under var/, a filesystem Celery broker); set DATABASE_URL
and REDIS_URL to use PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from core.serving import DEFAULT_BIND, base_url_for_bind

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    # The floors of the house, bottom to top (imports only go down; `make test` checks it).
    "core",
    "units",
    "accounts",
    "notifications",
    "projects",
    "clues",
    "supervision",
    "dispatch",
    "wage_warnings",
    "credit",
    "campaigns",
    "reports",
    "demo",
]

MIDDLEWARE = [
    # First: a body over REQUEST_MAX_BYTES is refused (413) before anything reads it.
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NulPathMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a login that django-axes locked out into the Chinese lockout page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
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
                "core.context_processors.site",
                "notifications.context_processors.unread_notice_count",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ulanxin.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 with Django's built-in connection pool (conn_max_age must stay 0 with a pool).
    # A database that does not answer fails a request within DB_POOL_TIMEOUT seconds (503, Retry-After; see
    # core.middleware) instead of holding every worker for long.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": int(os.environ.get("DB_POOL_MIN", "1")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "3")),
        },
        "connect_timeout": int(os.environ.get("DB_CONNECT_TIMEOUT", "2")),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file: IMMEDIATE transactions and WAL avoid "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out user or address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files above 2 MB go to a temporary file, not memory; the fields besides files (a JSON body included) may
# hold 2.5 MB at most. The whole body is bounded by REQUEST_MAX_BYTES below.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# --- Cache (rate limits, idempotency) --------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # core.cache.RedisCache: clear() removes the cache's own keys (KEY_PREFIX), never the broker's queue.
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ulanxin")}}
else:
    # Embedded default: one web process (runserver), so a per-process cache is enough for rate limits.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ----------------------------------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A Redis that does not answer must not hold up the request that queues a delivery (the outbox keeps it).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
else:
    # A real broker with no server process: kombu's filesystem transport (see README).
    CELERY_DATA = VAR_DIR / "celery"
    for folder in ("out", "processed", "control"):
        (CELERY_DATA / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"  # with a host kombu does not warn "No hostname was supplied"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA / "out"),
        "data_folder_out": str(CELERY_DATA / "out"),
        "processed_folder": str(CELERY_DATA / "processed"),
        "control_folder": str(CELERY_DATA / "control"),
        "store_processed": False,
    }
# Every periodic job is declared here, once; django-celery-beat copies these into its tables, where an
# administrator can see and change the schedules.
CELERY_BEAT_SCHEDULE = {
    "calendar-coverage-check": {
        "task": "units.tasks.check_calendar_coverage",
        "schedule": 24 * 60 * 60,
    },
    "outbox-delivery": {
        "task": "notifications.tasks.deliver_outbox",
        "schedule": float(os.environ.get("OUTBOX_DELIVERY_SECONDS", "60")),
    },
    "supervision-sweep": {
        "task": "supervision.tasks.supervision_sweep",
        "schedule": float(os.environ.get("SUPERVISION_SWEEP_SECONDS", "60")),
    },
    "referral-delivery": {
        "task": "supervision.tasks.deliver_referrals",
        "schedule": 5 * 60,
    },
    "daily-digests": {
        "task": "supervision.tasks.daily_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    # Early warnings: every rule for every project just after midnight (a new month, the 6th, a day more since
    # the contract), and every minute the projects marked since (wage_warnings.evaluation).
    "wage-warnings-daily": {
        "task": "wage_warnings.tasks.evaluate_all",
        "schedule": crontab(hour=0, minute=10),
    },
    "wage-warnings-sweep": {
        "task": "wage_warnings.tasks.evaluate_marked_projects",
        "schedule": float(os.environ.get("WAGE_WARNINGS_SWEEP_SECONDS", "60")),
    },
    # Credit: the blacklist and watchlist entries whose period ended come off (the enterprise's flag with them)
    # and the rectification orders just past their deadline are noted, before the warnings' daily run.
    "credit-daily": {
        "task": "credit.tasks.daily_credit_sweep",
        "schedule": crontab(hour=0, minute=5),
    },
    # 专项整治: problems past their deadline (a date) become supervised; hourly, so a day's change is never late.
    "campaign-problems-sweep": {
        "task": "campaigns.tasks.supervise_overdue_problems",
        "schedule": 60 * 60,
    },
}

# What each task does, in the words the admin's 周期任务 pages show (core.admin_schedules).
TASK_LABELS = {
    "supervision.tasks.supervision_sweep": _("督办巡查:标记超期,逐级发出提醒、督办、约谈和移交"),
    "notifications.tasks.deliver_outbox": _("发送短信、站内通知和邮件"),
    "supervision.tasks.deliver_referrals": _("向党委监督贯通协调平台推送移交材料"),
    "supervision.tasks.daily_digests": _("每日待办汇总"),
    "units.tasks.check_calendar_coverage": _("检查工作日历:明年的放假和调休安排是否已录入"),
    "supervision.tasks.render_letter_files": _("生成督办函件的PDF和Word文件"),
    "clues.tasks.run_national_import": _("导入全国根治欠薪线索反映平台的线索"),
    "projects.tasks.run_payroll_job": _("导入项目的月度工资表"),
    "projects.tasks.run_registry_job": _("批量导入项目和企业"),
    "wage_warnings.tasks.evaluate_all": _("工资预警:按全部规则检查所有在建项目,产生和销号预警"),
    "wage_warnings.tasks.evaluate_marked_projects": _("工资预警:重新检查刚有材料变动的项目"),
    "wage_warnings.tasks.evaluate_project": _("工资预警:重新检查一个项目"),
    "credit.tasks.daily_credit_sweep": _("信用监管:到期移出失信名单和重点关注名单,标记逾期未整改的责令改正"),
    "campaigns.tasks.supervise_overdue_problems": _("专项整治:逾期未整改的问题转入督办"),
    "celery.backend_cleanup": _("清理过期的任务结果(本系统不保存任务结果,可停用)"),
}
# Results are not stored (CELERY_RESULT_BACKEND = None): no nightly result cleanup job either.
CELERY_RESULT_EXPIRES = None

# Work that a periodic task does for everything pending (deliver the outbox, evaluate marked projects) is asked
# for at most once per web process per this many seconds, however many writes ask (core.tasks.Nudge); 0 asks
# after every write.
TASK_COALESCE_SECONDS = float(os.environ.get("TASK_COALESCE_SECONDS", "1"))

# --- REST API --------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: a refused token answers 401 with `WWW-Authenticate: Token`.
        "accounts.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "乌兰·薪 API",
    "DESCRIPTION": "乌兰察布市欠薪线索处置平台接口(统一归集、统一转办、统一督办)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets named "status": the clue's keeps the name it had before projects joined the API.
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "clues.models.Status", "ProjectStatusEnum": "projects.models.Project.Status",
                            "EnforcementKindEnum": "credit.models.Kind",
                            "ListedPersonRoleEnum": "credit.models.ListedPerson.Role",
                            "PartyRoleEnum": "projects.models.ProjectParty.Role",
                            "InspectionKindEnum": "campaigns.models.InspectionKind"},
}

# Content-Security-Policy (django-csp): our own scripts and styles only — no inline script, no inline style
# attribute, no CDN. The Swagger UI page alone loads its bundle from the CDN (config.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Application settings --------------------------------------------------------------------------------
SITE_NAME = "乌兰·薪"
# Where runserver listens under `make run` (HOST:PORT); unless SITE_BASE_URL says otherwise, the printed URLs,
# the QR codes, SMS and letters use this address (a 0.0.0.0 bind: this machine's local-network address).
WEB_BIND = os.environ.get("WEB_BIND", DEFAULT_BIND)
SITE_BASE_URL = (os.environ.get("SITE_BASE_URL") or base_url_for_bind(WEB_BIND)).rstrip("/")
DATABASE_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("DATABASE_UNAVAILABLE_RETRY_AFTER", "30"))
HEALTHZ_BROKER_TIMEOUT = float(os.environ.get("HEALTHZ_BROKER_TIMEOUT", "2"))

# Attachments (clues.attachments): JPEG, PNG or PDF, checked by content.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENT_MAX_PIXELS = int(os.environ.get("ATTACHMENT_MAX_PIXELS", "16000000"))
# The largest request body read at all (core.middleware.RequestSizeLimitMiddleware answers 413 before
# reading more): five attachments and the form's text.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(5 * ATTACHMENT_MAX_BYTES + 1024 * 1024)))

# Notifications (notifications.services): the outbox and its SMS gateway.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.backends.ConsoleSmsBackend")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
SMS_SIGN = os.environ.get("SMS_SIGN", "乌兰·薪")
NOTIFY_EMAIL = env_bool("NOTIFY_EMAIL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@ulanxin.localhost")
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))

# The supervision sweep takes the due ladder steps in transactions of about this many steps (a unit's steps
# due at once always stay in one, so it gets one letter per rung).
SUPERVISION_SWEEP_BATCH = int(os.environ.get("SUPERVISION_SWEEP_BATCH", "2000"))

# Supervision letters and the referral to the Party committee supervision platform (dispatch.referrals).
LETTER_ISSUER = os.environ.get("LETTER_ISSUER", "乌兰察布市人力资源和社会保障局")
REFERRAL_ENDPOINT = os.environ.get("REFERRAL_ENDPOINT", "")
REFERRAL_SECRET = os.environ.get("REFERRAL_SECRET", "")
REFERRAL_TIMEOUT = float(os.environ.get("REFERRAL_TIMEOUT", "10"))
REFERRAL_MAX_ATTEMPTS = int(os.environ.get("REFERRAL_MAX_ATTEMPTS", "10"))

# Public endpoints: requests per client address ("20/m", "100/h"; "0" turns the limit off for a load test).
PUBLIC_RATE_LIMIT = os.environ.get("PUBLIC_RATE_LIMIT", "20/m")
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Staff login and the API token endpoint (django-axes): after AXES_FAILURE_LIMIT wrong passwords the user,
# and separately the client address, are locked out for AXES_COOLOFF_MINUTES; an administrator unlocks in
# 管理后台 → 登录失败锁定. The address is the one the public rate limiter uses (TRUSTED_PROXIES).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # accounts.admin shows the records in Chinese
AXES_VERBOSE = False
# API tokens (accounts.tokens): hours a token lives; logout and a change of password or role end it sooner.
API_TOKEN_TTL_HOURS = float(os.environ.get("API_TOKEN_TTL_HOURS", "8"))
API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT", "30/m")  # requests to the token endpoint

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The project registry (projects): the wage deposit (工资保证金, Art.32) is WAGE_DEPOSIT_RATE_PERCENT (1–3) of the
# contract sum; a contract under WAGE_DEPOSIT_EXEMPT_BELOW yuan may be exempt. MINIMUM_WAGE_MONTHLY (yuan) is
# the figure each payroll upload counts workers below (pro rata over 21.75 working days); the monitoring's
# below_minimum_wage rule will own an editable copy of it.
WAGE_DEPOSIT_RATE_PERCENT = os.environ.get("WAGE_DEPOSIT_RATE_PERCENT", "1")
WAGE_DEPOSIT_EXEMPT_BELOW = os.environ.get("WAGE_DEPOSIT_EXEMPT_BELOW", "3000000")
MINIMUM_WAGE_MONTHLY = os.environ.get("MINIMUM_WAGE_MONTHLY", "1980")
