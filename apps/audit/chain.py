"""The hash chain: each event's hash covers its content and the previous event's hash."""

import hashlib
import json

GENESIS = "0" * 64
HASHED_FIELDS = ("created_at", "actor_id", "actor", "acting_as_id", "acting_as", "action", "object_type",
                 "object_id", "object_repr", "changes", "detail", "ip", "request_id")


def event_hash(values: dict, prev_hash: str) -> str:
    content = {name: values.get(name) for name in HASHED_FIELDS}
    content["created_at"] = content["created_at"].isoformat() if content["created_at"] else None
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()
