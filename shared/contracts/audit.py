"""Audit records, published by every service as it appends them to its own trail (shared/audit.py).

Identifiers only, as in the trail itself: who (the staff member's `sub` and role), the action
(method and endpoint, never the URL), which clients by id, when, from which address and what came
of it. Never a name, an answer, a note or anything else a request or response carried.
"""

from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register

ACCESS_RECORDED = "audit.access.recorded"
# The results a record may name: shared/audit.py RESULTS (a unit test keeps the two the same).
RESULTS = ("ok", "refused", "not_found", "denied", "limited", "invalid", "error")


class AccessRecordedV1(Schema):
    record_id = fields.String(required=True, metadata={"description": "The audit record's id (the Kafka key)"})
    at = fields.AwareDateTime(required=True, format="iso")
    service = fields.String(required=True, metadata={"description": "The service whose trail holds the record"})
    actor = fields.String(required=True, metadata={"description": "The caller's `sub` (`-` for a failed sign-in)"})
    role = fields.String(required=True)
    action = fields.String(required=True, metadata={"description": "Method and endpoint, never the URL"})
    address = fields.String(required=True, allow_none=True)
    status = fields.Integer(required=True)
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    client_id = fields.String(required=True, allow_none=True, metadata={"description": "The one client named"})
    clients = fields.List(fields.String(), required=True, metadata={"description": "Every client named or shown"})
    correlation_id = fields.String(required=True, allow_none=True)
    emergency_grant = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The emergency (break-glass) grant the request was served under, if any"},
    )


register(
    EventContract(
        type=ACCESS_RECORDED,
        version=1,
        schema=AccessRecordedV1,
        description=(
            "A service recorded an access in its audit trail: a signed-in request that named, showed or listed "
            "clients, changed anything or was refused, or a staff sign-in. Published in the same transaction as "
            "the record is stored, keyed by the record id; the topic is set by `AUDIT_TOPIC`."
        ),
        subject="record_id",
        example={
            "record_id": "3c9e2f1a-7b4d-4e8a-9f0c-5d6e7f8a9b0c",
            "at": "2026-11-26T09:00:05+00:00",
            "service": "intake",
            "actor": "dr-rivera",
            "role": "clinician",
            "action": "GET clients.ClientById",
            "address": "10.0.4.17",
            "status": 200,
            "result": "ok",
            "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
            "clients": ["6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77"],
            "correlation_id": "00000000-0000-4000-8000-0000000000c0",
            "emergency_grant": None,
        },
    )
)
