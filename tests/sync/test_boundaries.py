"""``sync/`` stays framework-independent: it never imports the server, the web framework or the ORM."""

from __future__ import annotations

import ast
from pathlib import Path

import sync

FORBIDDEN = ("server", "litestar", "tortoise", "jinja2", "asyncpg", "aiosqlite")


def test_sync_imports_only_the_standard_library_and_itself() -> None:
    package = Path(sync.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
