"""Is this instance fit to serve: the database answers and every migration the code knows is applied."""

from __future__ import annotations

import pkgutil
from dataclasses import dataclass

from tortoise import Tortoise

from server import migrations

MIGRATIONS_TABLE = "tortoise_migrations"


def known_migrations() -> frozenset[str]:
    """The migration modules shipped with this code (read once, when the app is built)."""
    return frozenset(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name[:4].isdigit())


@dataclass(frozen=True)
class Health:
    database: bool
    pending: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.database and not self.pending


async def check(expected: frozenset[str]) -> Health:
    """One query: the applied migrations. A database that does not answer is unhealthy, not an error."""
    try:
        connection = Tortoise.get_connection("default")
        _, rows = await connection.execute_query(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = 'models'"  # noqa: S608 - a constant
        )
    except Exception:
        return Health(database=False, pending=())
    applied = {str(row["name"]) for row in rows}
    return Health(database=True, pending=tuple(sorted(expected - applied)))
