"""Checking credentials with throttling, and managing accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from server import throttle
from server.auth.passwords import hash_password, needs_rehash, verify_password
from server.config import DEFAULT_WARD, Settings
from server.models import Role, Section, User


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    locked_minutes: int = 0


def login_bucket(login: str) -> str:
    return f"login:{login[:64]}"


def address_bucket(ip: str) -> str:
    return f"login-ip:{ip[:64]}"


async def _take_attempt(settings: Settings, login: str, ip: str) -> bool:
    """Take this attempt's place in the account's and the address's counters, before any password is
    checked: however many arrive at once, at most the limit are ever checked."""
    window = timedelta(minutes=settings.login_lock_minutes)
    by_login = await throttle.take(login_bucket(login), settings.login_max_failures, window)
    # An address (a shared tablet, the office proxy) serves many people, so it gets more room.
    by_ip = await throttle.take(address_bucket(ip), settings.login_max_failures * 4, window) if ip else True
    return by_login and by_ip


async def _succeeded(login: str, ip: str) -> None:
    """A success clears the account's failures and gives its place at the address back."""
    await throttle.clear(login_bucket(login))
    if ip:
        await throttle.give_back(address_bucket(ip))


async def authenticate(settings: Settings, login: str, password: str, ip: str) -> LoginOutcome:
    """Verify a login; after too many failures for the account or the address, refuse for a while.

    The pause applies even to the right password, so guessing cannot continue during it.
    """
    if not await _take_attempt(settings, login, ip):
        return LoginOutcome(user=None, locked_minutes=settings.login_lock_minutes)
    user = await User.get_or_none(login=login, active=True)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return LoginOutcome(user=None)
    await _succeeded(login, ip)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = datetime.now(UTC)
    await user.save(update_fields=["password_hash", "last_login_at"])
    return LoginOutcome(user=user)


async def check_current_password(settings: Settings, user: User, password: str, ip: str) -> LoginOutcome:
    """The signed-in person's password, checked under the same limits as a sign-in."""
    if not await _take_attempt(settings, user.login, ip):
        return LoginOutcome(user=None, locked_minutes=settings.login_lock_minutes)
    if not verify_password(user.password_hash, password):
        return LoginOutcome(user=None)
    await _succeeded(user.login, ip)
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
