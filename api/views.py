"""The REST API (/api/v1/): journeys, lanes, steps, hand-offs and pain points to read; pain points to create and move
along their lifecycle. The same rules as the pages: only your journeys exist for you (404 elsewhere; managers also
read every pain point), the same roles (403), versions (409) and operation ids. Thin views: reads come from
`api.selectors`, writes go through `api.writes` into the services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, writes
from api import serializers as s
from journeys import services as journey_services
from journeys.models import Department, PainPoint
from painpoints.actions import SERVICES

REFUSALS = {
    400: OpenApiResponse(description="Bad input: a list of messages per field."),
    403: OpenApiResponse(s.RefusalSerializer, description="You are on the journey but may not do this."),
    404: OpenApiResponse(description="Not one of your journeys (or no such thing)."),
    409: OpenApiResponse(s.RefusalSerializer, description="Stale version or a move its state does not allow."),
    429: OpenApiResponse(s.RefusalSerializer, description="Too many changes or requests: see Retry-After."),
}


class JourneyList(generics.ListAPIView):
    serializer_class = s.JourneySerializer

    def get_queryset(self):
        return selectors.journeys(self.request.user)


class JourneyDetail(generics.RetrieveAPIView):
    serializer_class = s.JourneySerializer
    lookup_url_kwarg = "journey_id"

    def get_queryset(self):
        return selectors.journeys(self.request.user)


class _JourneyPart(generics.ListAPIView):
    def journey(self):
        return get_object_or_404(selectors.journeys(self.request.user), pk=self.kwargs["journey_id"])


class LaneList(_JourneyPart):
    serializer_class = s.LaneSerializer

    def get_queryset(self):
        return selectors.lanes(self.journey())


class StepList(_JourneyPart):
    serializer_class = s.StepSerializer

    def get_queryset(self):
        return selectors.steps(self.journey())


class HandoffList(_JourneyPart):
    serializer_class = s.HandoffSerializer

    def get_queryset(self):
        return selectors.handoffs(self.journey())


@extend_schema(parameters=[s.PainPointFilters])
class PainPointList(generics.ListAPIView):
    """Pain points on your journeys (managers: on every journey), with their departments, state and owner."""

    serializer_class = s.PainPointSerializer

    def get_queryset(self):
        filters = s.PainPointFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.pain_points(self.request.user, **filters.validated_data)


class JourneyPainPoints(_JourneyPart):
    serializer_class = s.PainPointSerializer

    def get_queryset(self):
        return selectors.pain_points(self.request.user, journey=self.journey().pk)

    @extend_schema(request=s.PainPointCreateInput, responses={201: s.PainPointDetailSerializer, **REFUSALS})
    def post(self, request: Request, journey_id: int) -> Response:
        journey = self.journey()
        data = _valid(s.PainPointCreateInput, request)
        step = journey.steps.filter(pk=data["step"]).first()
        if step is None:
            return Response({"step": [_("That step is not on this journey.")]}, status=400)
        departments = list(Department.objects.filter(pk__in=data["responsible_departments"]))
        if len(departments) != len(set(data["responsible_departments"])):
            return Response({"responsible_departments": [_("That department does not exist.")]}, status=400)
        op_id = writes.operation_id(request, data)

        def create(op: str) -> PainPoint:
            return journey_services.pain_point_create(
                step=step, actor=request.user, text=data["text"], severity=data["severity"],
                departments=departments, op_id=op,
            )  # fmt: skip

        outcome = writes.change(request, journey, create, op_id, data)
        return writes.answer(outcome, lambda done: _detail(request, done.event.targets["pain_point"]), created=True)


class FixList(generics.ListAPIView):
    """Shared fixes you can see: yours, and those with pain points on your journeys (managers: all)."""

    serializer_class = s.FixSerializer

    def get_queryset(self):
        return selectors.fixes(self.request.user)


class FixDetail(generics.RetrieveAPIView):
    serializer_class = s.FixSerializer
    lookup_url_kwarg = "fix_id"

    def get_queryset(self):
        return selectors.fixes(self.request.user)


class PainPointDetail(generics.RetrieveAPIView):
    """One pain point with its timeline (comments included)."""

    serializer_class = s.PainPointDetailSerializer
    lookup_url_kwarg = "pain_point_id"

    def get_queryset(self):
        return selectors.pain_points(self.request.user, with_timeline=True)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _detail(request: Request, pain_point_id: int) -> dict[str, Any]:
    pain_point = selectors.pain_points(request.user, with_timeline=True).get(pk=pain_point_id)
    return s.PainPointDetailSerializer(pain_point, context={"request": request}).data


def _colleague_id(data: dict[str, Any]) -> None:
    username = data.pop("to_username", None)
    if data.get("to_user") is None and username:
        data["to_user"] = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    data.setdefault("to_user", None)


INPUTS: dict[str, type[serializers.Serializer]] = {
    "pick_up": s.VersionedInput,
    "hand_over": s.HandOverInput,
    "give_back": s.ReasonInput,
    "plan_fix": s.PlanFixInput,
    "solve": s.SolveInput,
    "wont_fix": s.ReasonInput,
    "reopen": s.ReasonInput,
    "comment": s.CommentInput,
}
DESCRIPTIONS = {
    "pick_up": "Take it on: open -> in progress, you as owner. Members of a responsible department or the facilitator.",
    "hand_over": "Give it to a colleague on the journey in a responsible department (to_user or to_username).",
    "give_back": "In progress -> open, no owner; its owner or the facilitator. An optional reason.",
    "plan_fix": "Say what changes and by when (target_date, not in the past). Only in progress.",
    "solve": "Open or in progress -> solved, with a resolution.",
    "wont_fix": "Open or in progress -> won't fix, with a reason.",
    "reopen": "Solved or won't fix -> open, with a reason.",
    "comment": "Add a comment to the timeline. Anyone on the journey.",
}


def action_view(action: str) -> type[APIView]:
    """One endpoint per action (its own request body in the schema), all through the same write path."""

    @extend_schema(
        operation_id=f"pain_point_{action}",
        summary=action.replace("_", " ").capitalize(),
        description=DESCRIPTIONS[action],
        request=INPUTS[action],
        responses={200: s.PainPointDetailSerializer, **REFUSALS},
    )
    def post(self: APIView, request: Request, pain_point_id: int) -> Response:
        pain_point = get_object_or_404(selectors.pain_points_to_change(request.user), pk=pain_point_id)
        data = _valid(INPUTS[action], request)
        if action == "hand_over":
            _colleague_id(data)
        op_id = writes.operation_id(request, data)
        service = SERVICES[action]
        journey = pain_point.journey
        outcome = writes.change(request, journey, lambda op: service(pain_point, request.user, data, op), op_id, data)
        return writes.answer(outcome, lambda _done: _detail(request, pain_point.pk))

    return type(f"PainPoint{action.title().replace('_', '')}", (APIView,), {"post": post})


ACTION_VIEWS = {action: action_view(action) for action in INPUTS}
