"""/api/v1/users/: a school's people, for its school admins (list, invite or create, role, deactivate).

Serializers check shape; the services in apps.accounts.services check meaning (unique email, the
last school admin, ...) and write the audit log."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import services
from apps.accounts.access import user_get_for_user
from apps.accounts.api.permissions import HasRole
from apps.accounts.invitations import school_base_url
from apps.accounts.roles import SCHOOL_ROLES, Role
from apps.accounts.selectors import STATUSES, user_status, users_for_user

ROLE_CHOICES = [(str(role), role.label) for role in SCHOOL_ROLES]


class UserSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=ROLE_CHOICES, read_only=True)  # one enum with the writers' role
    status = serializers.SerializerMethodField(help_text="active, invited (has not chosen a password yet) "
                                                         "or deactivated")

    class Meta:
        model = get_user_model()
        fields = ["id", "email", "first_name", "last_name", "role", "status", "last_login", "date_joined"]
        read_only_fields = fields

    def get_status(self, user) -> str:
        return user_status(user)


class UserCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=ROLE_CHOICES)
    password = serializers.CharField(
        required=False, write_only=True, trim_whitespace=False, style={"input_type": "password"},
        help_text="For integrations: the user is active at once and no email is sent. "
                  "Without it the person is invited by email to choose a password.")


class UserRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ROLE_CHOICES)


USER_EXAMPLE = OpenApiExample("A teacher", response_only=True, value={
    "id": 7, "email": "neema@demo.school", "first_name": "Neema", "last_name": "Mushi", "role": "teacher",
    "status": "invited", "last_login": None, "date_joined": "2026-01-12T09:30:00+03:00"})
NOT_YOURS = "Only school admins manage users; a user of another school is not found (404)."


class SchoolAdminOnly:
    permission_classes = [HasRole(Role.SCHOOL_ADMIN)]


@extend_schema(tags=["users"])
class UserListCreateView(SchoolAdminOnly, generics.ListAPIView):
    serializer_class = UserSerializer

    def get_queryset(self):
        params = self.request.query_params
        return users_for_user(user=self.request.user, search=params.get("search", ""),
                              role=params.get("role", ""), status=params.get("status", ""))

    @extend_schema(
        summary="The school's people",
        description=NOT_YOURS,
        parameters=[
            OpenApiParameter("search", str, description="Part of a name, email or username"),
            OpenApiParameter("role", str, enum=[str(r) for r in SCHOOL_ROLES]),
            OpenApiParameter("status", str, enum=list(STATUSES)),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Invite someone by email, or create a user with a password",
        description="Without `password` the person gets an email with a link (valid 7 days, once) to choose "
                    "their password; with it they can sign in at once and no email is sent.",
        request=UserCreateSerializer, responses={201: UserSerializer},
        examples=[
            OpenApiExample("Invite a teacher", request_only=True, value={
                "email": "neema@demo.school", "first_name": "Neema", "last_name": "Mushi", "role": "teacher"}),
            OpenApiExample("Create for an integration", request_only=True, value={
                "email": "sync@demo.school", "first_name": "Timetable", "last_name": "Sync", "role": "staff",
                "password": "a-long-generated-secret"}),
            USER_EXAMPLE,
        ],
    )
    def post(self, request):
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fields = {"email": data["email"], "first_name": data["first_name"], "last_name": data["last_name"],
                  "role": data["role"], "actor": request.user, "request": request}
        if data.get("password") is not None:
            user = services.user_create_by_admin(password=data["password"], **fields)
        else:
            user = services.user_invite(base_url=school_base_url(request), **fields)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["users"])
class UserDetailView(SchoolAdminOnly, APIView):
    @extend_schema(summary="One person", description=NOT_YOURS, responses=UserSerializer, examples=[USER_EXAMPLE])
    def get(self, request, pk: int):
        return Response(UserSerializer(user_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(
        summary="Change a person's role",
        description="The school's last active school admin cannot be given another role.",
        request=UserRoleSerializer, responses=UserSerializer,
        examples=[OpenApiExample("Make a bursar", request_only=True, value={"role": "accountant"}), USER_EXAMPLE],
    )
    def patch(self, request, pk: int):
        user = user_get_for_user(user=request.user, pk=pk)
        serializer = UserRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_set_role(user=user, role=serializer.validated_data["role"], actor=request.user,
                               request=request)
        return Response(UserSerializer(user).data)


class _UserAction(SchoolAdminOnly, APIView):
    def act(self, request, user):
        raise NotImplementedError

    def post(self, request, pk: int):
        user = user_get_for_user(user=request.user, pk=pk)
        self.act(request, user)
        return Response(UserSerializer(user).data)


@extend_schema(tags=["users"], request=None, responses=UserSerializer, examples=[USER_EXAMPLE],
               summary="Deactivate: the person can no longer sign in (nothing is deleted)",
               description="Refresh tokens are revoked. The school's last active school admin cannot be deactivated.")
class UserDeactivateView(_UserAction):
    def act(self, request, user):
        services.user_deactivate(user=user, actor=request.user, request=request)


@extend_schema(tags=["users"], request=None, responses=UserSerializer, examples=[USER_EXAMPLE],
               summary="Reactivate a deactivated person")
class UserReactivateView(_UserAction):
    def act(self, request, user):
        services.user_reactivate(user=user, actor=request.user, request=request)


@extend_schema(tags=["users"], request=None, responses=UserSerializer, examples=[USER_EXAMPLE],
               summary="Email the invitation again (only while it is pending)")
class UserInvitationResendView(_UserAction):
    def act(self, request, user):
        services.invitation_resend(user=user, actor=request.user, base_url=school_base_url(request),
                                   request=request)
