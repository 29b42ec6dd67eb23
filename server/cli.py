"""The ``madoguchi`` command: serve, migrate, create-user, seed-demo, backup, okuyami plan."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from server import collector
from server.config import OKUYAMI_HOUSEHOLD_HEAD_MODES, Settings, SettingsError
from server.db import connected, migrate
from server.models import Role, Section, User

EXIT_USAGE = 2


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(f"madoguchi: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app

    settings = _settings()
    host = args.host or settings.host
    port = args.port or settings.port
    if not args.no_migrate:
        asyncio.run(migrate(settings.database_url, settings.default_ward))
    app = create_app(settings)
    collector.settle()
    print(f"Madoguchi is running at http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    # Forwarded headers are believed only from the configured proxies: anyone else could forge them.
    proxies = settings.forwarded_allow_ips
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=args.log_level,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    settings = _settings()
    asyncio.run(migrate(settings.database_url, settings.default_ward))
    print("Database is up to date.")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from server.admin.forms import parse_user
    from server.auth import service

    settings = _settings()
    password = args.password or getpass.getpass("Password: ")

    async def run() -> int:
        async with connected(settings.database_url):
            section = await Section.get_or_none(code=args.section) if args.section else None
            if args.section and section is None:
                print(f"madoguchi: no section with code {args.section!r}", file=sys.stderr)
                return EXIT_USAGE
            form = parse_user(
                {
                    "login": args.login,
                    "display_name": args.name,
                    "role": args.role,
                    "section_id": str(section.id) if section else "",
                    "password": password,
                    "ward": args.ward or settings.default_ward,
                },
                creating=True,
                section_ids={section.id} if section else set(),
                office_name=settings.ward_name,
            )
            if await User.exists(login=form.login):
                form.errors["login"] = "This login name is already used."
            if form.errors:
                for name, message in form.errors.items():
                    print(f"madoguchi: {name}: {message}", file=sys.stderr)
                return EXIT_USAGE
            await service.create_user(
                login=form.login,
                display_name=form.display_name,
                password=password,
                role=Role(form.role),
                section=section,
                ward=form.ward,
            )
            print(f"Created {form.login} ({form.role}, {form.ward}).")
            return 0

    return asyncio.run(run())


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from server.seed import seed_demo

    settings = _settings()

    async def run() -> None:
        async with connected(settings.database_url):
            logins = await seed_demo(args.password)
        print("Demo accounts (login / password / role):")
        for item in logins:
            print(f"  {item.login:<14} {item.password:<16} {item.role.value}")

    asyncio.run(migrate(settings.database_url, settings.default_ward))
    asyncio.run(run())
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.is_sqlite:
        print("madoguchi: backup copies the SQLite file; for PostgreSQL use pg_dump.", file=sys.stderr)
        return EXIT_USAGE
    source = settings.sqlite_path
    if not source.exists():
        print(f"madoguchi: database file {source} does not exist", file=sys.stderr)
        return EXIT_USAGE
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = (
        Path(args.output) if args.output else settings.data_dir / "backups" / f"madoguchi-{stamp}.sqlite3"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    # SQLite's online backup copies a consistent snapshot even while the server keeps writing.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        print(f"madoguchi: the backup failed its integrity check: {result}", file=sys.stderr)
        return 1
    print(f"Backup written to {target}")
    if args.keep_days is not None:
        removed = prune_backups(target.parent, timedelta(days=args.keep_days), keep=target)
        print(f"Removed {len(removed)} backup(s) older than {args.keep_days} days")
    return 0


BACKUP_NAME = re.compile(r"^madoguchi-(\d{8}T\d{6}Z)\.sqlite3$")


def prune_backups(folder: Path, age: timedelta, keep: Path) -> list[Path]:
    """Delete this command's own copies (``madoguchi-<time>.sqlite3``) in ``folder`` taken longer ago than
    ``age``: erased personal data must not live on in old backups past the retention period."""
    cutoff = datetime.now(UTC) - age
    removed = []
    for path in sorted(folder.iterdir()):
        named = BACKUP_NAME.match(path.name)
        if not named or path == keep or not path.is_file():
            continue
        taken = datetime.strptime(named.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if taken < cutoff:
            path.unlink()
            removed.append(path)
    return removed


def cmd_okuyami_plan(args: argparse.Namespace) -> int:
    import json

    from server.okuyami.catalogue import CatalogueError, default_catalogue
    from server.okuyami.intake import IntakeError, parse_intake
    from server.okuyami.plan import make_plan
    from server.timekeeping import today

    path = Path(args.intake)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"madoguchi: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError:
        print(f"madoguchi: {path} is not UTF-8 text", file=sys.stderr)
        return EXIT_USAGE
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        print(f"madoguchi: {path} is not valid JSON ({where}: {exc.msg})", file=sys.stderr)
        return EXIT_USAGE
    if not isinstance(data, dict):
        print(f"madoguchi: {path} must hold one JSON object with the intake fields", file=sys.stderr)
        return EXIT_USAGE
    mode = args.rule_mode or _settings().okuyami_household_head_mode
    try:
        catalogue = default_catalogue()
        intake = parse_intake(data, today())
    except CatalogueError as exc:
        print(f"madoguchi: the procedure catalogue cannot be used: {exc}", file=sys.stderr)
        return 1
    except IntakeError as exc:
        for line in exc.lines():
            print(f"madoguchi: {line}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(make_plan(intake, catalogue, mode).ids(), ensure_ascii=False))
    return 0


def cmd_okuyami_purge(_: argparse.Namespace) -> int:
    from server.okuyami.service import PurgeReport, retention_run
    from server.sync_api.service import SyncService
    from server.timekeeping import today

    settings = _settings()

    async def run() -> PurgeReport | None:
        async with connected(settings.database_url):
            sync = SyncService(settings.secret_key, settings.data_dir)
            return await retention_run(sync, today(), settings.okuyami_retention_days, "command")

    report = asyncio.run(run())
    if report is None:
        print("Another server is running the purge right now; nothing was done.")
        return 0
    print(f"Purged the personal data of {len(report.cases)} closed bereavement case(s).")
    return 0


def cmd_rebuild_tallies(_: argparse.Namespace) -> int:
    """The dashboard's tallies computed afresh from the projections: after loading rows into the
    projections by other means than the app, or to repair them."""
    from server.rollups.rebuild import rebuild

    settings = _settings()

    async def run() -> None:
        async with connected(settings.database_url):
            await rebuild()

    asyncio.run(run())
    print("Rebuilt the dashboard's tallies.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="madoguchi", description="Madoguchi ward-office service plan app.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations and serve the app")
    serve.add_argument("--host", help="address to listen on (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT or 8000)")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.set_defaults(func=cmd_serve)

    commands.add_parser("migrate", help="apply pending database migrations").set_defaults(func=cmd_migrate)

    create = commands.add_parser("create-user", help="create a staff account")
    create.add_argument("login")
    create.add_argument("--name", required=True, help="the person's display name")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--section", help="section code, e.g. kumin")
    create.add_argument("--password", help="password (asked for when omitted)")
    create.add_argument("--ward", help="the person's ward, e.g. 中原区 (default: DEFAULT_WARD)")
    create.set_defaults(func=cmd_create_user)

    seed = commands.add_parser("seed-demo", help="create the sections and one demo account per role")
    seed.add_argument("--password", help="password for every demo account (random when omitted)")
    seed.set_defaults(func=cmd_seed_demo)

    backup = commands.add_parser("backup", help="copy the SQLite database consistently while the server runs")
    backup.add_argument("--output", help="file to write (default: DATA_DIR/backups/madoguchi-<time>.sqlite3)")
    backup.add_argument(
        "--keep-days",
        type=int,
        metavar="N",
        help="afterwards delete this command's copies (madoguchi-<time>.sqlite3) beside it older than N days",
    )
    backup.set_defaults(func=cmd_backup)

    commands.add_parser(
        "rebuild-tallies", help="recompute the dashboard's tallies from the stored records"
    ).set_defaults(func=cmd_rebuild_tallies)

    okuyami = commands.add_parser("okuyami", help="the bereavement desk's procedure guide")
    okuyami_commands = okuyami.add_subparsers(dest="okuyami_command", required=True, metavar="COMMAND")
    plan = okuyami_commands.add_parser(
        "plan", help="list the procedures an intake needs as JSON: municipal, external, to_confirm"
    )
    plan.add_argument("intake", metavar="INTAKE.json", help="the intake answers (deceased.*, household.* …)")
    plan.add_argument(
        "--rule-mode",
        choices=list(OKUYAMI_HOUSEHOLD_HEAD_MODES),
        help="wording of the 世帯主変更届 rule (default: OKUYAMI_HOUSEHOLD_HEAD_MODE or refined_15plus)",
    )
    plan.set_defaults(func=cmd_okuyami_plan)
    okuyami_commands.add_parser(
        "purge", help="purge personal data of closed cases older than OKUYAMI_RETENTION_DAYS (run daily)"
    ).set_defaults(func=cmd_okuyami_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
