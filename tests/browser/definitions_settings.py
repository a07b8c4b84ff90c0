"""Settings of the server the definitions admin is driven on: the Django suite's, on a file.

The SQLite file is ``STATECORE_BROWSER_DATABASE``; `definitions_setup` fills it.
"""

from __future__ import annotations

import os

from tests.django.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["STATECORE_BROWSER_DATABASE"],
    }
}
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
