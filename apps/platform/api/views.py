from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from apps.jobs.api.serializers import JobSerializer
from apps.platform.api.permissions import IsPlatformOwner
from apps.platform.api.serializers import (SchoolCreateAcceptedSerializer, SchoolCreateSerializer, SchoolDetailSerializer,
                                           SchoolSerializer, SchoolSuspendSerializer, SchoolUpdateSerializer)
from apps.platform.selectors import school_get_for_owner, schools_for_platform
from apps.platform.services import (school_change_plan, school_resume, school_set_modules, school_start_provisioning,
                                    school_suspend, school_update_limits)


@extend_schema(tags=["platform"])
class SchoolListCreateView(generics.ListAPIView):
    permission_classes = [IsPlatformOwner]
    serializer_class = SchoolSerializer

    def get_queryset(self):
        return schools_for_platform()

    @extend_schema(
        request=SchoolCreateSerializer,
        responses={202: SchoolCreateAcceptedSerializer},
        summary="Provision a school (answers 202 with the job that does it)",
        examples=[OpenApiExample("New school", request_only=True, value={
            "slug": "mlimani", "name": "Mlimani Secondary School",
            "admin_email": "head@mlimani.ac.tz", "admin_password": "a-long-first-password"})],
    )
    def post(self, request):
        serializer = SchoolCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = school_start_provisioning(slug=data["slug"], name=data["name"], admin_email=data["admin_email"],
                                        admin_password=data["admin_password"], plan_code=data["plan"],
                                        actor=request.user)
        location = reverse("api:job-detail", kwargs={"pk": job.pk})
        return Response({"job": JobSerializer(job).data}, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": location})


@extend_schema(tags=["platform"])
class SchoolDetailView(generics.GenericAPIView):
    """One school: its plan, limits in force (its own or the plan's), modules, suspension, figures."""

    permission_classes = [IsPlatformOwner]
    serializer_class = SchoolDetailSerializer

    def get_object(self):
        return school_get_for_owner(slug=self.kwargs["slug"])

    def get(self, request, slug):
        return Response(SchoolDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=SchoolUpdateSerializer, responses={200: SchoolDetailSerializer},
        summary="Change a school's plan, limits (null: the plan's) or modules (false: switched off)",
        examples=[OpenApiExample("Raise a limit, switch LMS off", request_only=True, value={
            "plan": "standard", "limits": {"students": 1500, "sms_per_month": None}, "modules": {"lms": False}})],
    )
    def patch(self, request, slug):
        school = self.get_object()
        serializer = SchoolUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            if "plan" in data:
                school = school_change_plan(school=school, plan_code=data["plan"], actor=request.user)
            if "limits" in data:
                school = school_update_limits(school=school, limits=data["limits"], actor=request.user)
            if "modules" in data:
                off = set(school.disabled_modules or [])
                for key, on in data["modules"].items():
                    (off.discard if on else off.add)(key)
                school = school_set_modules(school=school, disabled_modules=sorted(off), actor=request.user)
        return Response(SchoolDetailSerializer(school_get_for_owner(slug=slug)).data)


@extend_schema(tags=["platform"])
class SchoolSuspendView(generics.GenericAPIView):
    permission_classes = [IsPlatformOwner]
    serializer_class = SchoolSuspendSerializer

    @extend_schema(request=SchoolSuspendSerializer, responses={200: SchoolDetailSerializer},
                   summary="Suspend a school: its console and API answer 403 tenant_suspended; nothing is deleted",
                   examples=[OpenApiExample("Unpaid", request_only=True, value={"reason": "Invoice 2026-11 unpaid"})])
    def post(self, request, slug):
        school = school_get_for_owner(slug=slug)
        serializer = SchoolSuspendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        school_suspend(school=school, reason=serializer.validated_data["reason"], actor=request.user)
        return Response(SchoolDetailSerializer(school_get_for_owner(slug=slug)).data)


@extend_schema(tags=["platform"])
class SchoolResumeView(generics.GenericAPIView):
    permission_classes = [IsPlatformOwner]
    serializer_class = SchoolDetailSerializer

    @extend_schema(request=None, responses={200: SchoolDetailSerializer}, summary="Resume a suspended school")
    def post(self, request, slug):
        school_resume(school=school_get_for_owner(slug=slug), actor=request.user)
        return Response(SchoolDetailSerializer(school_get_for_owner(slug=slug)).data)
