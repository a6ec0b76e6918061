"""List envelope: {"data": [...], "meta": {"count", "next", "previous"}}."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class EnvelopePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        return Response({
            "data": data,
            "meta": {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
            },
        })

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["data", "meta"],
            "properties": {
                "data": schema,
                "meta": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "example": 123},
                        # every field carries an example, so drf-spectacular can wrap a list
                        # endpoint's examples in this envelope
                        "next": {"type": "string", "nullable": True, "format": "uri",
                                 "example": "https://demo.example.com/api/v1/students/?page=3"},
                        "previous": {"type": "string", "nullable": True, "format": "uri",
                                     "example": "https://demo.example.com/api/v1/students/?page=1"},
                    },
                },
            },
        }
