"""Settings for the test suite: base settings with fast hashing and throwaway files."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ulanxin-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="ulanxin-test-static-"))
