"""The django-fsm admin runs a POSTed transition only when its button is offered to the user."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from tests.django.fsmapp.models import Article

pytestmark = pytest.mark.django_db

INLINE = "django_fsm_log-statelog-content_type-object_id"


def staff(*codenames: str) -> Client:
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def press(client: Client, article: Article, name: str) -> None:
    client.post(
        f"/admin/fsmapp/article/{article.pk}/change/",
        {
            "title": article.title,
            "state": article.state,
            "_fsm_transition_to": name,
            f"{INLINE}-TOTAL_FORMS": "0",
            f"{INLINE}-INITIAL_FORMS": "0",
        },
    )


def test_posted_transition_whose_permission_never_grants_is_refused() -> None:
    """retire_async's permission is a coroutine (never a yes): a POST naming it is refused."""
    article = Article.objects.create(title="News")
    client = staff("view_article", "change_article")
    assert (
        b'value="retire_async"'
        not in client.get(f"/admin/fsmapp/article/{article.pk}/change/").content
    )
    press(client, article, "retire_async")
    article.refresh_from_db()
    assert article.state == "draft"


def test_posted_transition_whose_condition_fails_is_refused() -> None:
    """publish needs a title: a POST naming it for an untitled article leaves it a draft."""
    article = Article.objects.create(title="")
    press(staff("view_article", "change_article"), article, "publish")
    article.refresh_from_db()
    assert article.state == "draft"


def test_transition_form_needs_the_change_permission() -> None:
    """A staff user who may only view articles gets 403 from a transition's form page."""
    article = Article.objects.create(title="Draft")
    client = staff("view_article")
    url = f"/admin/fsmapp/article/{article.pk}/transition/shelve/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "r"}).status_code == 403
    article.refresh_from_db()
    assert article.state == "draft"


def test_condition_answer_that_is_a_method_or_a_generator_never_holds() -> None:
    """django-fsm's truthy answers hold, but a bound method or a generator is no answer."""
    from statecore_django.compat.django_fsm.transitions import holds

    article = Article(title="News")
    assert holds([1]) and holds(1) and holds(article.title)
    assert not holds(article.save)
    assert not holds(x for x in (True,))


def test_transition_raising_type_error_runs_once_not_again_without_by() -> None:
    """A TypeError from inside a transition propagates; the admin does not call it twice."""
    from django.contrib import admin
    from django.test import RequestFactory

    calls: list[dict[str, object]] = []

    def shelve(**kwargs: object) -> None:
        calls.append(kwargs)
        raise TypeError("a bug inside the transition")

    request = RequestFactory().post("/")
    request.user = User(username="boss")
    model_admin = admin.site._registry[Article]
    with pytest.raises(TypeError, match="a bug inside"):
        model_admin._execute_fsm_transition(transition_func=shelve, request=request, kwargs={})
    assert calls == [{"by": request.user}]
