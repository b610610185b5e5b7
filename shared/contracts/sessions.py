"""Events published by the sessions service."""

from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register
from shared.vocabulary import EPISODE_STATUSES, PROGRAMS, TRACKS


class EpisodeOpenedV1(Schema):
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(EPISODE_STATUSES))
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    opened_at = fields.AwareDateTime(required=True, format="iso")


register(
    EventContract(
        type="sessions.episode.opened",
        version=1,
        schema=EpisodeOpenedV1,
        description="A treatment episode was opened for a client (pending until admission).",
        example={
            "episode_id": "0b7d4c1e-5a8f-4e3b-9c2d-1f6e7a8b9c0d",
            "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
            "status": "pending",
            "program": "co_occurring",
            "opened_at": "2026-11-26T09:00:02+00:00",
        },
    ),
)


class EpisodeActivatedV1(Schema):
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    track = fields.String(required=True, validate=validate.OneOf(TRACKS))
    activated_at = fields.AwareDateTime(required=True, format="iso")


register(
    EventContract(
        type="sessions.episode.activated",
        version=1,
        schema=EpisodeActivatedV1,
        description="Admission made the client's episode active on a track; the IPT course can be planned.",
        example={
            "episode_id": "0b7d4c1e-5a8f-4e3b-9c2d-1f6e7a8b9c0d",
            "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
            "program": "co_occurring",
            "track": "individual",
            "activated_at": "2026-11-26T12:00:00+00:00",
        },
    ),
)
