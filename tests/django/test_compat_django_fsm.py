"""django-fsm semantics of statecore's compatibility layer (transitions do not save)."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import isolate_apps
from tests.django.fsmapp.models import Account, Article, FlyingMission, Mission, Ticket

import statecore
import statecore.graph
import statecore.lint
from statecore_django.compat import django_fsm as fsm
from statecore_django.compat.django_fsm.signals import post_transition, pre_transition

pytestmark = pytest.mark.django_db


def test_transition_sets_the_state_without_saving() -> None:
    """publish() changes the state in memory only: the row keeps its state until save()."""
    article = Article.objects.create(title="Hello")
    article.publish()
    assert article.state == "published"
    assert Article.objects.get(pk=article.pk).state == "draft"
    article.save()
    assert Article.objects.get(pk=article.pk).state == "published"


def test_transition_from_a_wrong_state_is_refused_with_the_object_and_method() -> None:
    """review() from 'draft' raises TransitionNotAllowed naming the object and method."""
    article = Article.objects.create(title="Hello")
    with pytest.raises(fsm.TransitionNotAllowed) as caught:
        article.review("reviewed")
    assert caught.value.object is article
    assert caught.value.method.__name__ == "review"
    assert isinstance(caught.value, statecore.AbortTransition)
    assert article.state == "draft"


def test_unmet_condition_refuses_and_leaves_the_state() -> None:
    """An article without a title cannot be published; can_proceed says so beforehand."""
    article = Article.objects.create()
    assert not fsm.can_proceed(article.publish)
    assert fsm.can_proceed(article.publish, check_conditions=False)
    with pytest.raises(fsm.TransitionNotAllowed, match="conditions have not been met"):
        article.publish()
    assert article.state == "draft"


def test_async_condition_and_permission_never_grant() -> None:
    """A coroutine returned by a condition or a permission is not taken for True."""
    article = Article.objects.create()
    with pytest.raises(fsm.TransitionNotAllowed):
        article.publish_async_guard()
    user = User(username="u", is_superuser=True)
    assert not fsm.has_transition_perm(article.retire_async, user)


def test_any_state_but_the_target_excludes_the_target() -> None:
    """redraft ('+' -> draft) runs from 'archived' but not from 'draft' itself."""
    article = Article.objects.create()
    with pytest.raises(fsm.TransitionNotAllowed):
        article.redraft()
    article.archive()
    article.redraft()
    assert article.state == "draft"


def test_return_value_target_is_checked_against_its_allowed_states() -> None:
    """review() enters the returned state; an undeclared one raises InvalidResultState."""
    article = Article.objects.create(title="t", state="published")
    with pytest.raises(fsm.InvalidResultState):
        article.review("lost")
    assert article.state == "published"
    article.review("rejected")
    assert article.state == "rejected"


def test_on_error_enters_the_error_state_and_reraises() -> None:
    """publish_or_fail() raises; the article is then 'failed' and post_transition says why."""
    seen: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        seen.append(kwargs)

    post_transition.connect(receiver, sender=Article)
    try:
        article = Article.objects.create()
        with pytest.raises(RuntimeError, match="on fire"):
            article.publish_or_fail()
    finally:
        post_transition.disconnect(receiver, sender=Article)
    assert article.state == "failed"
    assert seen[0]["target"] == "failed"
    assert isinstance(seen[0]["exception"], RuntimeError)


def test_signals_carry_django_fsm_keyword_arguments() -> None:
    """pre/post_transition get sender, instance, name, field, source, target and the args."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def before(**kwargs: Any) -> None:
        seen.append(("pre", kwargs))

    def after(**kwargs: Any) -> None:
        seen.append(("post", kwargs))

    pre_transition.connect(before, sender=Article)
    post_transition.connect(after, sender=Article)
    try:
        article = Article.objects.create(title="t", state="published")
        article.review("reviewed")
    finally:
        pre_transition.disconnect(before, sender=Article)
        post_transition.disconnect(after, sender=Article)
    assert [kind for kind, _ in seen] == ["pre", "post"]
    post = seen[1][1]
    assert post["instance"] is article
    assert (post["name"], post["source"], post["target"]) == ("review", "published", "reviewed")
    assert post["field"] is Article._meta.get_field("state")
    assert post["method_args"] == ("reviewed",)
    assert post["method_kwargs"] == {}


def test_listing_methods_follow_state_conditions_and_permissions() -> None:
    """get_all/get_available/get_available_user_<field>_transitions list django-fsm records."""
    article = Article.objects.create(title="t")
    everything = {t.name for t in article.get_all_state_transitions()}
    assert {"publish", "archive", "redraft", "review", "retire"} <= everything
    available = {t.name for t in article.get_available_state_transitions()}
    assert "publish" in available
    assert "review" not in available
    user = User.objects.create(username="plain")
    for_user = {t.name for t in article.get_available_user_state_transitions(user)}
    assert "retire" not in for_user
    user.user_permissions.add(
        Permission.objects.get(codename="change_article", content_type__app_label="fsmapp")
    )
    user = User.objects.get(pk=user.pk)
    assert "retire" in {t.name for t in article.get_available_user_state_transitions(user)}


def test_several_fields_and_integer_states_are_independent() -> None:
    """Ticket.close moves the integer status; approve moves the other field only."""
    ticket = Ticket.objects.create()
    ticket.close()
    assert (ticket.status, ticket.review) == (Ticket.STATUS_CLOSED, "pending")
    ticket.approve()
    assert ticket.review == "approved"
    assert [t.name for t in ticket.get_all_review_transitions()] == ["approve"]


def test_protected_field_refuses_assignment_and_refresh_reloads_it() -> None:
    """A protected state cannot be assigned; FSMModelMixin.refresh_from_db() still reloads it."""
    mission = Mission.objects.create()
    with pytest.raises(AttributeError, match="modification is not allowed"):
        mission.state = "flying"
    Mission.objects.filter(pk=mission.pk).update(state="flying")
    mission.refresh_from_db()
    assert mission.state == "flying"


def test_state_proxy_switches_the_class() -> None:
    """Entering 'flying' turns the object into its proxy model."""
    mission = Mission.objects.create()
    mission.launch()
    assert type(mission) is FlyingMission


def test_concurrent_transition_mixin_refuses_a_stale_save() -> None:
    """Two copies of one account: the second save() of a transition raises, writes nothing."""
    first = Account.objects.create()
    second = Account.objects.get(pk=first.pk)
    first.activate()
    first.save()
    second.close()
    with pytest.raises(fsm.ConcurrentTransition), transaction.atomic():
        second.save()
    assert Account.objects.get(pk=first.pk).state == "active"


def test_decorated_methods_compile_into_a_statecore_workflow() -> None:
    """workflow_for gives a checked statecore Workflow that statecore's tools accept."""
    workflow = fsm.workflow_for(Article)
    assert issubclass(workflow, statecore.Workflow)
    assert workflow.initial_state.name == "draft"
    review = workflow.get_transition("review")
    assert set(review.targets) == {"reviewed", "rejected"}
    assert workflow.get_transition("archive").source == tuple(s.name for s in workflow.states)
    assert "publish" in statecore.graph.to_mermaid(workflow)
    assert isinstance(statecore.lint.lint(workflow), list)
    integer = fsm.workflow_for(Ticket, "status")
    assert integer.get_state("s_1").value == Ticket.STATUS_OPEN
    with pytest.raises(LookupError, match="status, review"):
        fsm.workflow_for(Ticket)


def test_explain_lists_every_reason() -> None:
    """explain() names the unmet condition and the missing permission, or the state."""
    article = Article.objects.create()
    answer = fsm.explain(article.publish)
    assert not answer
    assert [r.kind for r in answer.reasons] == ["condition"]
    assert fsm.explain(article.review).reasons[0].kind == "state"
    denied = fsm.explain(article.retire, user=User.objects.create(username="nobody"))
    assert [r.kind for r in denied.reasons] == ["permission"]
    assert fsm.explain(article.archive)


def test_on_commit_needs_the_atomic_opt_in() -> None:
    """A transition with on_commit hooks on a field that is not atomic is refused."""
    from django.db import models

    with (
        pytest.raises(statecore.WorkflowDefinitionError, match="atomic=True"),
        isolate_apps("tests.django.fsmapp"),
    ):

        class Refused(models.Model):
            state = fsm.FSMField(default="a")

            @fsm.transition(field=state, source="a", target="b", on_commit=print)
            def go(self) -> None:
                """Go."""

            class Meta:
                app_label = "fsmapp"


def test_graph_transitions_command_draws_a_cluster_per_field() -> None:
    """graph_transitions fsmapp.Ticket writes one cluster per state field."""
    pytest.importorskip("graphviz")
    out = StringIO()
    call_command("graph_transitions", "fsmapp.Ticket", stdout=out)
    text = out.getvalue()
    assert "cluster_fsmapp_Ticket_status" in text
    assert "cluster_fsmapp_Ticket_review" in text
    out = StringIO()
    call_command("graph_transitions", "-e", "close", "fsmapp.Ticket.status", stdout=out)
    assert "label=close" not in out.getvalue()


def test_graph_transitions_without_graphviz_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the graphviz package the command fails with a CommandError naming the extra."""
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz raises ImportError
    with pytest.raises(CommandError, match=r"pip install 'statecore\[graphviz\]'"):
        call_command("graph_transitions", "fsmapp.Ticket", stdout=StringIO())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nope"], "names no state field"),
        (["fsmapp.Nope"], "names no state field"),
        (["fsmapp.Ticket.nope"], "names no state field"),
        (["fsmapp.Ticket.title.x"], "is not app, app.Model or app.Model.field"),
        (["-o", "diagram", "fsmapp.Ticket"], "has no extension"),
    ],
)
def test_graph_transitions_command_refuses_bad_arguments_with_what_to_do(
    arguments: list[str], message: str
) -> None:
    """Unknown names and an output file without a format are CommandErrors, not tracebacks."""
    pytest.importorskip("graphviz")
    with pytest.raises(CommandError, match=message):
        call_command("graph_transitions", *arguments, stdout=StringIO())


def test_modules_import_before_the_app_registry_is_ready() -> None:
    """The package and its admin module import with settings configured but no setup()."""
    code = (
        "from django.conf import settings; settings.configure(INSTALLED_APPS=[]); "
        "import statecore_django.compat.django_fsm, statecore_django.compat.django_fsm.admin"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_system_check_accepts_the_models_and_reports_an_invalid_workflow() -> None:
    """django_fsm.E001 names a field whose states collide once named; valid apps pass."""
    from django.apps import apps
    from django.db import models

    from statecore_django.compat.django_fsm.checks import check_workflows

    assert check_workflows([apps.get_app_config("fsmapp")]) == []

    with isolate_apps("tests.django.fsmapp"):

        class Clash(models.Model):
            state = fsm.FSMField(
                default="in-review", choices=[("in-review", "A"), ("in review", "B")]
            )

            @fsm.transition(field=state, source="in-review", target="in review")
            def move(self) -> None:
                """Move."""

            class Meta:
                app_label = "fsmapp"

    class Config:
        def get_models(self) -> list[type]:
            return [Clash]

    (error,) = check_workflows([Config()])
    assert error.id == "django_fsm.E001"
    assert "s_in_review" in error.msg


def test_compiled_workflow_feeds_statecore_testing_walks() -> None:
    """statecore.testing.walks draws walks over a compiled django-fsm workflow."""
    pytest.importorskip("hypothesis")
    from hypothesis import given, settings

    import statecore.testing

    workflow = fsm.workflow_for(Ticket, "status")
    seen: list[list[str]] = []

    @settings(max_examples=5, database=None)
    @given(statecore.testing.walks(workflow, max_steps=3))
    def record(walk: list[str]) -> None:
        assert set(walk) <= {"close"}
        seen.append(walk)

    record()
    assert seen


def test_graph_transitions_unknown_name_is_also_the_lookup_error_django_fsm_raised() -> None:
    """Code written for django-fsm catches LookupError; the CommandError is one too."""
    with pytest.raises(LookupError, match="names no state field"):
        call_command("graph_transitions", "fsmapp.Nope", stdout=StringIO())
