"""OpenAPI post-processing: the headers every operation accepts."""

WRITE_METHODS = {"post", "put", "patch", "delete"}

TENANT_HEADER = {
    "name": "X-Tenant-ID", "in": "header", "required": False,
    "description": "On the platform host: the school's slug. Ignored on a school's own host.",
    "schema": {"type": "string", "example": "demo"},
}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Repeat a write with the same key and get the first response; nothing is done twice.",
    "schema": {"type": "string", "maxLength": 255, "example": "3f0c1a52-2b7e-4f7e-9c1d-6a3d4b1e9f20"},
}


def add_common_headers(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            parameters = operation.setdefault("parameters", [])
            parameters.append(TENANT_HEADER)
            if method in WRITE_METHODS:
                parameters.append(IDEMPOTENCY_HEADER)
    return result
