"""Database backup and restore with pg_dump / pg_restore (custom format), used by the backup_db and restore_db
commands. The tools are taken from the PostgreSQL installation whose major version matches the server's, falling
back to the newest one available (the pgserver wheel ships one)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections


def _candidates(tool: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for base in Path("/usr/lib/postgresql").glob("*/bin"):
        if (base / tool).exists() and base.parent.name.isdigit():
            found.append((int(base.parent.name), str(base / tool)))
    try:
        import pgserver

        path = Path(pgserver.__file__).parent / "pginstall" / "bin" / tool
        if path.exists():
            version = subprocess.run([str(path), "--version"], capture_output=True, text=True).stdout
            found.append((int(version.split()[-1].split(".")[0]), str(path)))
    except ImportError:
        pass
    on_path = shutil.which(tool)
    if on_path:
        version = subprocess.run([on_path, "--version"], capture_output=True, text=True).stdout
        found.append((int(version.split()[2].split(".")[0]), on_path))
    return found


def pg_tool(tool: str, server_major: int) -> str:
    candidates = _candidates(tool)
    exact = [path for major, path in candidates if major == server_major]
    if exact:
        return exact[0]
    newer = sorted((c for c in candidates if c[0] > server_major), reverse=True)
    if newer:
        return newer[0][1]
    raise FileNotFoundError(f"No {tool} for PostgreSQL {server_major} or newer was found.")


def _conn_env(settings_dict: dict, dbname: str | None = None) -> tuple[list[str], dict]:
    args = ["--dbname", dbname or settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def server_major(alias: str = "default") -> int:
    return connections[alias].pg_version // 10000


def backup(out: Path, alias: str = "default") -> Path:
    settings_dict = connections[alias].settings_dict
    args, env = _conn_env(settings_dict)
    tool = pg_tool("pg_dump", server_major(alias))
    subprocess.run([tool, "--format=custom", "--no-owner", "--file", str(out), *args], env=env, check=True,
                   capture_output=True, text=True)
    return out


def restore(dump: Path, target_db: str, alias: str = "default") -> None:
    """Restore ``dump`` into a new, empty database ``target_db`` on the same server."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target_db])
        if cursor.fetchone():
            raise FileExistsError(f"Database {target_db} already exists; restore only into a new database.")
        cursor.execute(f'CREATE DATABASE "{target_db}"')
    args, env = _conn_env(connection.settings_dict, target_db)
    tool = pg_tool("pg_restore", server_major(alias))
    subprocess.run([tool, "--no-owner", "--exit-on-error", *args, str(dump)], env=env, check=True,
                   capture_output=True, text=True)
