from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from apps.jobs.api.serializers import JobSerializer
from apps.platform.api.permissions import IsPlatformOwner
from apps.platform.api.serializers import SchoolCreateAcceptedSerializer, SchoolCreateSerializer, SchoolSerializer
from apps.platform.selectors import schools_for_platform
from apps.platform.services import school_start_provisioning


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
