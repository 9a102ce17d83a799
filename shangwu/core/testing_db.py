"""The test database without running every migration each time (tests only).

Each test run (and each xdist worker) used to build its SQLite test database by applying all the
migrations, several seconds of CPU per worker. The migrated database is the same as long as the
migrations (and the code they import, Django, SQLite) are, so the first run keeps a copy of it
under ``var/test-db/`` named by a hash of all of those, and later runs copy it into their
in-memory database with SQLite's backup API; Django's ``migrate`` then runs as usual, finds every
migration applied and sends ``post_migrate``. Any change to a migration, or to a module a
migration imports, gives a new name and one real migration. The migrations themselves keep their
own tests, which migrate fresh databases in subprocesses (``designations/tests/test_migration``,
``cases/tests/test_origins``). PostgreSQL runs migrate as before.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sqlite3
from pathlib import Path

IMPORTED = re.compile(r"\b(?:from|import)\s+(shangwu(?:\.\w+)+)(?:\s+import\s+([\w, ]+))?")


def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def migrations_key() -> str:
    """A hash of every installed app's migration files, the project modules they import (and the
    modules those import), Django's and SQLite's versions."""
    import django

    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    for path in sorted(migration_inputs()):
        digest.update("/".join(path.parts[-3:]).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migration_inputs() -> set[Path]:
    """Every installed app's migration files and the project modules they import, transitively."""
    from django.apps import apps

    files: set[Path] = set()
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if folder.is_dir():
            files.update(folder.glob("*.py"))
    todo, seen = list(files), set()
    while todo:
        path = todo.pop()
        for package, names in IMPORTED.findall(path.read_text(encoding="utf-8")):
            # ``import shangwu.core.dbindexes``, ``from shangwu.core.dbindexes import x`` or
            # ``from shangwu.core import dbindexes``.
            candidates = [package, *(f"{package}.{n.strip()}" for n in names.split(",") if n)]
            for name in candidates:
                module = _module_file(name)
                if module is not None and module not in seen and module not in files:
                    seen.add(module)
                    todo.append(module)
    return files | seen


def migrate_from_cache() -> None:
    """Make the next ``migrate`` of an in-memory SQLite database start from the kept copy (or keep
    one after migrating). Once: the patch removes itself at its first call."""
    from django.conf import settings
    from django.core.management.commands import migrate
    from django.db import connections

    original = migrate.Command.handle

    def handle(self, *args, **options):
        migrate.Command.handle = original
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return original(self, *args, **options)
        folder = Path(settings.VAR_DIR) / "test-db"
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"migrated-{migrations_key()}.sqlite3"
        connection.ensure_connection()
        if kept.exists():
            source = sqlite3.connect(kept)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            return original(self, *args, **options)
        result = original(self, *args, **options)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.part")
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(partial, kept)  # whole or not at all, whichever worker finishes first
        for old in folder.glob("migrated-*.sqlite3"):
            if old != kept:
                old.unlink(missing_ok=True)
        return result

    migrate.Command.handle = handle
