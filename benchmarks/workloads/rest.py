"""W10: one transition through a DRF endpoint, against a hand-written DRF ``@action``.

A fresh SQLite file (like W7-sqlite) holds two tables of the same shape and the ready
log table. Both sides are requests through DRF's ``APIClient`` (authenticated as one
user), a ping-pong of ``POST .../go/`` and ``POST .../back/`` on one object:

- statecore: a ViewSet with `TransitionViewSetMixin` and a `WorkflowModelSerializer`,
  ``POST items/{pk}/transitions/go/``: the transition runs as the user, saved with
  optimistic locking and logged with the user, in one transaction;
- hand-written: a ViewSet with a plain ``ModelSerializer`` and one ``@action`` per
  transition doing the same work by hand: load the object, check the source state, a
  conditional ``UPDATE ... WHERE state = <source>`` (409 when it matches no row) and the
  INSERT of the log row with the user, in ``transaction.atomic()``, then serialize.

Before timing, each side is checked: 200 with the new state, the row and one log row per
request with the user, and a 409 for a transition from the wrong state that writes
nothing. Go/back rounds of both are timed in adjacent samples of process time; the result
is the median time per request (and requests per second), and the median ratio of
adjacent samples, statecore's over the hand-written one's (target: at most 1.2).
"""

from __future__ import annotations

import atexit
import shutil
import statistics
import sys
import tempfile
import types
from dataclasses import replace
from typing import Any

from harness import Op, Settings, check, median_interval, ratios, time_rotating
from libs import django_setup

#: W10: a transition action costs at most this many times a hand-written ``@action``.
TARGET = 1.2
SAMPLE_SCALE = 3  # requests are slow: longer samples
URLCONF = "statecore_bench_rest_urls"


def prepare(library: str, workload: str) -> None:
    """Configure Django on a fresh SQLite file with DRF and statecore's log app."""
    directory = tempfile.mkdtemp(prefix="statecore-w10-")
    atexit.register(shutil.rmtree, directory, True)
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "statecore_django",
            "statecore_django.log",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": f"{directory}/bench.sqlite3",
            }
        },
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        ROOT_URLCONF=URLCONF,
        ALLOWED_HOSTS=["testserver"],
        STATECORE_LOG_MODEL="statecore_log.TransitionLog",
        REST_FRAMEWORK={"UNAUTHENTICATED_USER": None},
    )
    django.setup()


def _build() -> dict[str, Any]:
    """The two models, their ViewSets and the URLconf; tables created."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, models, transaction
    from django.urls import include, path
    from rest_framework import routers, serializers, status, viewsets
    from rest_framework.decorators import action
    from rest_framework.response import Response

    import statecore
    import statecore_django
    from statecore_django.log.models import TransitionLog
    from statecore_django.rest import TransitionViewSetMixin, WorkflowModelSerializer

    call_command("migrate", verbosity=0, run_syncdb=True)

    class PingFlow(statecore_django.Workflow):
        states = ("a", "b")
        transitions = (statecore.Transition("go", "a", "b"), statecore.Transition("back", "b", "a"))
        initial_state = "a"
        locking = "optimistic"

    item = django_setup.model("RestItem", {"state": statecore_django.StateField(PingFlow)})
    hand = django_setup.model("HandItem", {"state": models.CharField(max_length=32, default="a")})
    with connection.schema_editor() as editor:
        editor.create_model(item)
        editor.create_model(hand)

    class ItemSerializer(WorkflowModelSerializer):
        class Meta:
            model = item
            fields = ("id", "state")

    class ItemViewSet(TransitionViewSetMixin, viewsets.GenericViewSet):
        queryset = item.objects.all()
        serializer_class = ItemSerializer

    class HandSerializer(serializers.ModelSerializer):
        class Meta:
            model = hand
            fields = ("id", "state")

    def hand_action(name: str, source: str, target: str) -> Any:
        def run(self: Any, request: Any, pk: Any = None) -> Response:
            obj = self.get_object()
            if obj.state != source:
                body = {"detail": f"{name} is not available from {obj.state}", "state": obj.state}
                return Response(body, status=status.HTTP_409_CONFLICT)
            with transaction.atomic():
                if not hand.objects.filter(pk=obj.pk, state=source).update(state=target):
                    current = hand.objects.filter(pk=obj.pk).values_list("state", flat=True)
                    body = {"detail": "changed meanwhile", "state": current.first()}
                    return Response(body, status=status.HTTP_409_CONFLICT)
                obj.state = target
                TransitionLog.objects.create(
                    content_type=ContentType.objects.get_for_model(hand),
                    object_id=str(obj.pk),
                    transition=name,
                    from_state=source,
                    to_state=target,
                    user=request.user,
                )
            return Response(self.get_serializer(obj).data)

        run.__name__ = name
        return action(detail=True, methods=["post"])(run)

    hand_viewset = type(
        "HandViewSet",
        (viewsets.GenericViewSet,),
        {
            "queryset": hand.objects.all(),
            "serializer_class": HandSerializer,
            "go": hand_action("go", "a", "b"),
            "back": hand_action("back", "b", "a"),
        },
    )
    router = routers.DefaultRouter()
    router.register("items", ItemViewSet)
    router.register("hand", hand_viewset)
    urls = types.ModuleType(URLCONF)
    urls.urlpatterns = [path("", include(router.urls))]
    sys.modules[URLCONF] = urls
    return {"item": item, "hand": hand, "log": TransitionLog}


def w10(library: Any, baseline: Any, settings: Settings) -> dict[str, Any]:
    """Time a transition action of statecore against the hand-written ``@action``."""
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    built = _build()
    user = User.objects.create(username="bench")
    client = APIClient()
    client.force_authenticate(user)
    ours = built["item"].objects.create()
    theirs = built["hand"].objects.create()
    log = built["log"]

    def ours_round() -> None:
        client.post(f"/items/{ours.pk}/transitions/go/")
        client.post(f"/items/{ours.pk}/transitions/back/")

    def theirs_round() -> None:
        client.post(f"/hand/{theirs.pk}/go/")
        client.post(f"/hand/{theirs.pk}/back/")

    for obj, go, back in (
        (ours, f"/items/{ours.pk}/transitions/go/", f"/items/{ours.pk}/transitions/back/"),
        (theirs, f"/hand/{theirs.pk}/go/", f"/hand/{theirs.pk}/back/"),
    ):
        label = type(obj).__name__
        rows = log.objects.filter(object_id=str(obj.pk)).count()
        refused = client.post(back)
        check(refused.status_code == 409, f"{label}: back from a is {refused.status_code}")
        answer = client.post(go)
        check(answer.status_code == 200, f"{label}: go is {answer.status_code}")
        check(answer.json()["state"] == "b", f"{label}: go answered {answer.json()}")
        obj.refresh_from_db()
        check(obj.state == "b", f"{label}: the row holds {obj.state}")
        entries = log.objects.filter(object_id=str(obj.pk)).order_by("pk")
        check(entries.count() == rows + 1, f"{label}: {entries.count() - rows} log rows")
        check(entries.last().user_id == user.pk, f"{label}: the log row has no user")
        check(client.post(back).status_code == 200, f"{label}: back failed")

    slower = replace(settings, sample_seconds=settings.sample_seconds * SAMPLE_SCALE)
    rotated = time_rotating([Op(ours_round, per_call=2), Op(theirs_round, per_call=2)], slower)
    mine, hand = rotated.process
    paired = ratios(mine, hand)
    median, hand_median = statistics.median(mine), statistics.median(hand)
    return {
        "median": median,
        "baseline_median": hand_median,
        "ratio": statistics.median(paired),
        "ratio_interval": median_interval(paired),
        "rps": 1 / median,
        "baseline_rps": 1 / hand_median,
        "wall_ratio": statistics.median(ratios(*rotated.wall)),
        "samples": {"library": mine, "baseline": hand},
    }
