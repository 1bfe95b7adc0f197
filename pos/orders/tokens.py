"""Signed links to one table visit. The token carries the visit id and the visit's
random nonce, signed with the server secret: a forged token fails the signature, and
a token of a closed visit fails the open-visit check in the service."""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="visit-link")


def make_token(secret: str, visit_id: int, nonce: str) -> str:
    return _serializer(secret).dumps([visit_id, nonce])


def read_token(secret: str, token: str) -> tuple[int, str] | None:
    try:
        data = _serializer(secret).loads(token)
    except BadSignature:
        return None
    if (not isinstance(data, list) or len(data) != 2 or not isinstance(data[0], int)
            or not isinstance(data[1], str)):
        return None
    return data[0], data[1]
