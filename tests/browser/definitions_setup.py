"""Fill the definitions server's database: a superuser, the claim definition, one instance.

Run with ``python -m tests.browser.definitions_setup`` once ``migrate`` has run.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.browser.definitions_settings")


def main() -> None:
    """Create the superuser ``boss`` and a claim instance at its first step."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from tests.django.definitions_data import claim_processing
    from tests.django.flowapp.models import Claim

    from statecore_django.definitions import services
    from statecore_django.definitions.exchange import import_definition

    User.objects.create_superuser("boss", password="statecore")
    import_definition(claim_processing())
    services.start("claim_processing", Claim.objects.create(amount=25000))


if __name__ == "__main__":
    main()
