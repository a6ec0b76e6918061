"""/api/v1/fee-categories/ and /api/v1/fee-structures/: the same selectors and services as the fee setup
console. School admins and accountants; everyone else 403."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.ledger.api.permissions import BOOKKEEPERS
from apps.finance import selectors, services
from apps.finance.api.serializers_setup import (
    FeeCategoryCreateSerializer, FeeCategorySerializer, FeeCategoryUpdateSerializer, FeeStructureSaveSerializer,
    FeeStructureSerializer,
)
from apps.finance.models import FeeCategory, FeeStructure
from apps.ledger.access import get_for_bookkeeper

SCOPE = "School admins and accountants; everyone else gets 403."
TAGS = ["fees"]

CATEGORY_EXAMPLE = {"id": 3, "code": "transport", "name": "Transport", "income_account": 31,
                    "income_account_code": "4130", "is_optional": True, "order": 3, "is_active": True}
STRUCTURE_EXAMPLE = {
    "id": 7, "term": 4, "term_name": "Term 1 2026", "school_class": 2, "class_name": "Form 1", "notes": "",
    "total": "850000.00",
    "items": [{"id": 20, "category": 1, "category_code": "tuition", "category_name": "Tuition", "label": "",
               "amount": "750000.00", "is_optional": False},
              {"id": 21, "category": 4, "category_code": "meals", "category_name": "Meals", "label": "",
               "amount": "100000.00", "is_optional": False},
              {"id": 22, "category": 3, "category_code": "transport", "category_name": "Transport",
               "label": "Route 2", "amount": "120000.00", "is_optional": True}],
    "installments": [{"number": 1, "percent": "60.00", "due_on": "2026-01-12"},
                     {"number": 2, "percent": "40.00", "due_on": "2026-04-06"}],
    "updated_at": "2026-01-05T10:00:00+03:00"}
SAVE_EXAMPLE = {"term": 4, "school_class": 2, "notes": "",
                "items": [{"category": 1, "amount": "750000.00"}, {"category": 4, "amount": "100000.00"},
                          {"category": 3, "amount": "120000.00", "label": "Route 2", "is_optional": True}],
                "installments": [{"percent": "60", "due_on": "2026-01-12"}, {"percent": "40", "due_on": "2026-04-06"}]}


def _id(value, name):
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise serializers.ValidationError({name: ["Give an id."]})
    return int(value)


@extend_schema(tags=TAGS)
class FeeCategoryListView(generics.ListCreateAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = FeeCategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.categories_for_user(user=self.request.user)

    @extend_schema(summary="Fee categories", description=SCOPE + " Every category, in order (not paginated).",
                   examples=[OpenApiExample("A category", response_only=True, value=[CATEGORY_EXAMPLE])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Add a fee category", description=SCOPE + " Its income account is an active income "
                   "account that is not a group; codes are unique.", request=FeeCategoryCreateSerializer,
                   responses={201: FeeCategorySerializer},
                   examples=[OpenApiExample("Sports", request_only=True, value={
                       "code": "sports", "name": "Sports", "income_account": 35, "is_optional": True, "order": 7}),
                       OpenApiExample("Added", response_only=True, status_codes=["201"], value=CATEGORY_EXAMPLE)])
    def post(self, request, *args, **kwargs):
        serializer = FeeCategoryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.fee_category_create(**serializer.validated_data, actor=request.user, request=request)
        return Response(FeeCategorySerializer(category).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class FeeCategoryDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    def _category(self, request, pk) -> FeeCategory:
        return get_for_bookkeeper(FeeCategory.objects.select_related("income_account"), user=request.user, pk=pk)

    @extend_schema(summary="One fee category", description=SCOPE, responses=FeeCategorySerializer,
                   examples=[OpenApiExample("A category", response_only=True, value=CATEGORY_EXAMPLE)])
    def get(self, request, pk: int):
        return Response(FeeCategorySerializer(self._category(request, pk)).data)

    @extend_schema(summary="Rename, re-point or (de)activate a fee category", description=SCOPE,
                   request=FeeCategoryUpdateSerializer, responses=FeeCategorySerializer,
                   examples=[OpenApiExample("Rename", request_only=True, value={"name": "School bus"}),
                             OpenApiExample("Renamed", response_only=True, value=CATEGORY_EXAMPLE)])
    def patch(self, request, pk: int):
        category = self._category(request, pk)
        serializer = FeeCategoryUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        category = services.fee_category_update(category=category, **serializer.validated_data, actor=request.user,
                                                request=request)
        return Response(FeeCategorySerializer(category).data)


@extend_schema(tags=TAGS)
class FeeStructureListView(generics.ListCreateAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = FeeStructureSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.structures_for_user(user=self.request.user, term=_id(params.get("term"), "term"),
                                             school_class=_id(params.get("class"), "class"))

    @extend_schema(summary="Fee structures with their items and instalments",
                   description=SCOPE + " Filters: a term, a class. `total` is what every student of the class "
                   "pays (the items that are not optional).",
                   parameters=[OpenApiParameter("term", int), OpenApiParameter("class", int)],
                   examples=[OpenApiExample("A structure", response_only=True, value=[STRUCTURE_EXAMPLE])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Set a class's fees for a term",
                   description=SCOPE + " Replaces the class's structure for the term when there is one (200), "
                   "creates it otherwise (201). At least one item, no category twice with the same label, "
                   "instalments totalling 100 % with due dates in order. Nothing is written when anything is "
                   "wrong (400 with the reason). Invoices already issued keep what they were issued with.",
                   request=FeeStructureSaveSerializer, responses={200: FeeStructureSerializer,
                                                                  201: FeeStructureSerializer},
                   examples=[OpenApiExample("Form 1, term 1", request_only=True, value=SAVE_EXAMPLE),
                             OpenApiExample("Saved", response_only=True, status_codes=["201"],
                                            value=STRUCTURE_EXAMPLE)])
    def post(self, request, *args, **kwargs):
        serializer = FeeStructureSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = FeeStructure.objects.filter(term=data["term"], school_class=data["school_class"]).exists()
        structure = services.fee_structure_save(
            term=data["term"], school_class=data["school_class"], notes=data["notes"], actor=request.user,
            request=request, items=[services.ItemSpec(**item) for item in data["items"]],
            installments=[services.InstallmentSpec(**part) for part in data["installments"]])
        structure = selectors.structures_for_user(user=request.user).get(pk=structure.pk)
        return Response(FeeStructureSerializer(structure).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class FeeStructureDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One fee structure with its items and instalments", description=SCOPE,
                   responses=FeeStructureSerializer,
                   examples=[OpenApiExample("A structure", response_only=True, value=STRUCTURE_EXAMPLE)])
    def get(self, request, pk: int):
        structure = get_for_bookkeeper(selectors.structures_for_user(user=request.user), user=request.user, pk=pk)
        return Response(FeeStructureSerializer(structure).data)
