"""Settings for the test suite: base settings with fast hashing and throwaway files."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A server or worker a test starts shares the test's media directory (tests/processes.py sets TEST_MEDIA_ROOT).
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="ulanxin-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="ulanxin-test-static-"))
