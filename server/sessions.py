"""Server-side sessions kept in the database (shared by every app instance), with id rotation at login."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from server.models import WebSession

ROTATE_FLAG = "madoguchi.rotate_session"
_NEW_ID = "madoguchi.new_session_id"


class DatabaseSessionStore(Store):
    """Litestar's store interface over the ``web_session`` table."""

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        expires_at = _expiry(expires_in)
        updated = await WebSession.filter(key=key).update(data=data, expires_at=expires_at)
        if not updated:
            await WebSession.create(key=key, data=data, expires_at=expires_at)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = await WebSession.get_or_none(key=key)
        if row is None:
            return None
        if row.expires_at is not None and row.expires_at <= datetime.now(UTC):
            await row.delete()
            return None
        if renew_for is not None:
            await WebSession.filter(key=key).update(expires_at=_expiry(renew_for))
        return bytes(row.data)

    async def delete(self, key: str) -> None:
        await WebSession.filter(key=key).delete()

    async def delete_all(self) -> None:
        await WebSession.all().delete()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await WebSession.get_or_none(key=key)
        if row is None or row.expires_at is None:
            return None
        return max(0, int((row.expires_at - datetime.now(UTC)).total_seconds()))

    @staticmethod
    async def delete_expired() -> int:
        return await WebSession.filter(expires_at__lte=datetime.now(UTC)).delete()


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return datetime.now(UTC) + timedelta(seconds=seconds)


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a fresh session id when a login asks for it, so an id planted before login is worthless.

    It also stores nothing for visitors without a session: Litestar would otherwise write an empty session
    row and set a cookie on every anonymous request, static files included.
    """

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        has_cookie = bool(connection.cookies.get(self.config.key))
        if scope_session and scope_session is not Empty:
            await super().store_in_message(scope_session, message, connection)
            return
        if not has_cookie:
            return
        # An emptied session is a cleared one: delete the row and expire the cookie. Litestar would send
        # the configured Max-Age beside an expiry in the past, and Max-Age wins: the browser would keep it.
        await self.delete(
            self.get_session_id(connection), store=self.config.get_store_from_app(connection.scope["app"])
        )
        params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        params["max_age"] = 0
        expired = Cookie(value="", key=self.config.key, expires=0, **params)
        MutableScopeHeaders.from_message(message).add("Set-Cookie", expired.to_header(header=""))

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(ROTATE_FLAG):
            if _NEW_ID not in state:
                state[_NEW_ID] = self.generate_session_id()
            return str(state[_NEW_ID])
        return super().get_session_id(connection)


class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def request_rotation(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.scope.setdefault("state", {})[ROTATE_FLAG] = True
