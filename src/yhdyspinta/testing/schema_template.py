"""`DEBUG=1 python -m yhdyspinta.testing.schema_template` (DATABASE_URL: the PostgreSQL the tests
will run on): the template their databases are made from (testing.demo_cache), migrated
now, so that the PostgreSQL pass finds it made; `scripts/test.sh` runs it beside the
SQLite tests."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")
django.setup()

from yhdyspinta.testing import clock, demo_cache  # noqa: E402

clock.pin()
demo_cache.schema_template()
