"""OpenAPI: drf-spectacular shows each transition action with its input and its answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

pytest.importorskip("drf_spectacular")

pytestmark = pytest.mark.urls("tests.django.restapp.api")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    with override_settings(
        REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    ):
        generator = SchemaGenerator(urlconf="tests.django.restapp.api")
        result: dict[str, Any] = generator.get_schema(request=None, public=True)
    return result


def ref(content: dict[str, Any]) -> str:
    return str(content["application/json"]["schema"]["$ref"]).rsplit("/", 1)[-1]


def test_each_transition_has_its_own_operation_and_the_generic_route_is_left_out(
    schema: dict[str, Any],
) -> None:
    """One POST per transition of the model; no {transition_name} path when all are listed."""
    paths = schema["paths"]
    for name in ("place", "pay", "ship", "cancel"):
        assert "post" in paths[f"/api/tickets/{{id}}/transitions/{name}/"], name
    assert not [path for path in paths if "{transition_name}" in path]


def test_transition_input_serializer_is_the_request_body(schema: dict[str, Any]) -> None:
    """pay takes the Pay serializer (amount required); place takes no body."""
    pay = schema["paths"]["/api/tickets/{id}/transitions/pay/"]["post"]
    assert ref(pay["requestBody"]["content"]) == "Pay"
    assert schema["components"]["schemas"]["Pay"]["required"] == ["amount"]
    assert pay["summary"] == "Take payment"
    assert pay["description"] == "Record the amount received."
    place = schema["paths"]["/api/tickets/{id}/transitions/place/"]["post"]
    assert "requestBody" not in place


def test_transition_answers_are_the_object_and_the_refusals(schema: dict[str, Any]) -> None:
    """200 is the ViewSet's serializer; 403/404/409/422 the error body; 400 only with input."""
    pay = schema["paths"]["/api/tickets/{id}/transitions/pay/"]["post"]["responses"]
    assert ref(pay["200"]["content"]) == "Ticket"
    assert {code: ref(pay[code]["content"]) for code in ("400", "403", "404", "409", "422")} == {
        code: "TransitionError" for code in ("400", "403", "404", "409", "422")
    }
    place = schema["paths"]["/api/tickets/{id}/transitions/place/"]["post"]["responses"]
    assert "400" not in place
    error = schema["components"]["schemas"]["TransitionError"]["properties"]
    assert {"detail", "code", "transition", "state", "available", "reasons"} <= set(error)


def test_listing_is_an_array_of_available_transitions(schema: dict[str, Any]) -> None:
    """GET transitions/ answers a list of AvailableTransition with their reasons."""
    listing = schema["paths"]["/api/tickets/{id}/transitions/"]["get"]["responses"]["200"]
    body = listing["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert body["items"]["$ref"].endswith("/AvailableTransition")
    fields = schema["components"]["schemas"]["AvailableTransition"]["properties"]
    assert {"name", "label", "available", "reasons"} <= set(fields)


def test_state_field_is_a_string_in_the_object_schema(schema: dict[str, Any]) -> None:
    """The Ticket schema's state is a string naming one of the workflow's states."""
    state = schema["components"]["schemas"]["Ticket"]["properties"]["state"]
    (enum,) = state["allOf"]  # drf-spectacular names enums as components
    names = schema["components"]["schemas"][enum["$ref"].rsplit("/", 1)[-1]]
    assert names["type"] == "string"
    assert names["enum"] == ["draft", "placed", "paid", "shipped", "cancelled"]
    assert "transition endpoints" in state["description"]


def test_wrapper_target_transitions_come_from_schema_transitions(schema: dict[str, Any]) -> None:
    """The review ViewSet (a wrapper target) documents its own transition, approve."""
    assert "post" in schema["paths"]["/api/reviews/{id}/transitions/approve/"]
    assert "/api/reviews/{id}/transitions/place/" not in schema["paths"]
