from drf_spectacular.utils import extend_schema
from rest_framework import generics

from apps.jobs.access import job_get_for_user
from apps.jobs.api.serializers import JobSerializer
from apps.jobs.selectors import jobs_for_user


@extend_schema(tags=["jobs"])
class JobListView(generics.ListAPIView):
    serializer_class = JobSerializer

    def get_queryset(self):
        return jobs_for_user(user=self.request.user)


@extend_schema(tags=["jobs"])
class JobDetailView(generics.RetrieveAPIView):
    serializer_class = JobSerializer

    def get_object(self):
        return job_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
