"""The workspace: one folder that holds a civicloop installation's state.

A workspace contains
- ``civicloop.toml``: the workspace file (name, and optionally the database URL),
- ``secret_key``: generated on ``civicloop init``, readable by the owner only,
- ``civicloop.sqlite3``: the embedded database (unless ``CIVICLOOP_DATABASE_URL`` says otherwise),
- ``archive/``: every source file ever loaded, kept by content hash,
- ``public/``: the last static public site built by ``civicloop declare build``.
- ``media/``: images uploaded in the browser (a collaborative's logo), re-encoded on upload.

Nothing here imports Django: settings are derived from it.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

WORKSPACE_FILE = "civicloop.toml"
DEFAULT_WORKSPACE = "civicloop-workspace"


class WorkspaceError(Exception):
    """A workspace cannot be created or read; the message is shown to the user as is."""


@dataclass(frozen=True)
class Workspace:
    path: Path

    @property
    def file(self) -> Path:
        return self.path / WORKSPACE_FILE

    @property
    def secret_key_file(self) -> Path:
        return self.path / "secret_key"

    @property
    def database_file(self) -> Path:
        return self.path / "civicloop.sqlite3"

    @property
    def archive_dir(self) -> Path:
        return self.path / "archive"

    @property
    def media_dir(self) -> Path:
        return self.path / "media"

    @property
    def public_dir(self) -> Path:
        return self.path / "public"

    def exists(self) -> bool:
        return self.file.is_file()

    def config(self) -> dict:
        if not self.exists():
            return {}
        try:
            return tomllib.loads(self.file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise WorkspaceError(f"{self.file} is not valid TOML: {exc}") from exc

    def secret_key(self) -> str | None:
        if self.secret_key_file.is_file():
            return self.secret_key_file.read_text(encoding="utf-8").strip()
        return None

    def database_url(self) -> str:
        """Environment first, then the workspace file, then SQLite inside the workspace."""
        url = os.environ.get("CIVICLOOP_DATABASE_URL") or self.config().get("database_url")
        return url or f"sqlite:///{self.database_file}"

    def init(self, name: str | None = None) -> bool:
        """Create the workspace if needed. Returns True when it was created now."""
        created = not self.exists()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.archive_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create workspace at {self.path}: {exc.strerror}") from exc
        if created:
            title = (name or self.path.name).replace('"', "'")
            self.file.write_text(
                "# civicloop workspace. Settings here are overridden by CIVICLOOP_* variables.\n"
                f'name = "{title}"\n'
                '# database_url = "postgres://user@localhost/civicloop"\n',
                encoding="utf-8",
            )
        if not self.secret_key_file.exists():
            # Written with owner-only permissions: the key signs sessions and CSRF tokens.
            fd = os.open(self.secret_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_urlsafe(50) + "\n")
        return created


def current() -> Workspace:
    """The workspace named by ``CIVICLOOP_WORKSPACE``, else ``./civicloop-workspace``."""
    raw = os.environ.get("CIVICLOOP_WORKSPACE") or DEFAULT_WORKSPACE
    return Workspace(Path(raw).expanduser().resolve())
