"""Checking credentials with throttling, and managing accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from server.auth.passwords import hash_password, needs_rehash, verify_password
from server.config import DEFAULT_WARD, Settings
from server.models import LoginFailure, Role, Section, User


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    locked_minutes: int = 0


async def authenticate(settings: Settings, login: str, password: str, ip: str) -> LoginOutcome:
    """Verify a login; after too many failures for the account or the address, refuse for a while.

    The pause applies even to the right password, so guessing cannot continue during it.
    """
    now = datetime.now(UTC)
    window_start = now - timedelta(minutes=settings.login_lock_minutes)
    by_login = await LoginFailure.filter(login=login, at__gte=window_start).count()
    by_ip = await LoginFailure.filter(ip=ip, at__gte=window_start).count() if ip else 0
    # An address (a shared tablet, the office proxy) serves many people, so it gets more room.
    if by_login >= settings.login_max_failures or by_ip >= settings.login_max_failures * 4:
        return LoginOutcome(user=None, locked_minutes=settings.login_lock_minutes)
    user = await User.get_or_none(login=login, active=True)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        await LoginFailure.create(login=login[:64], ip=ip[:64])
        return LoginOutcome(user=None)
    await LoginFailure.filter(login=login).delete()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    await user.save(update_fields=["password_hash", "last_login_at"])
    return LoginOutcome(user=user)


async def create_user(
    *,
    login: str,
    display_name: str,
    password: str,
    role: Role,
    section: Section | None = None,
    ward: str = DEFAULT_WARD,
) -> User:
    return await User.create(
        ward=ward,
        login=login,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        section=section,
        password_changed_at=datetime.now(UTC),
    )


async def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = datetime.now(UTC)
    await user.save(update_fields=["password_hash", "password_changed_at"])
