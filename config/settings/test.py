"""Settings for the test suite: base settings with fast hashing and throwaway files."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A server or worker a test starts shares the test's media directory (tests/processes.py sets TEST_MEDIA_ROOT).
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="ulanxin-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="ulanxin-test-static-"))

# Parallel test processes (pytest-xdist) share one Redis: each keeps its own cache keys, so a test's
# cache.clear() does not reset another process's rate-limit counters.
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
