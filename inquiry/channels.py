"""The channel that carries inquiry batches out to the agencies' network and result files back (docs/exchange.md).

A court plugs in its real channel (the 总对总 gateway, a provincial 点对点 client) by naming a class with this
interface in ``settings.INQUIRY_CHANNEL``. The default ``FileChannel`` is a pair of folders: exported ZIPs go to
``INQUIRY_OUTBOX_DIR``, result files are picked up from ``INQUIRY_INBOX_DIR`` (and moved to its ``done/`` folder
once handed over, so each is fetched once).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes


@runtime_checkable
class Channel(Protocol):
    def send(self, batch_export) -> str:
        """Deliver an exported batch (``inquiry.services.BatchExport``: file_name, content, sha256); returns a
        reference (a path, a gateway's receipt number)."""

    def fetch(self) -> list[IncomingFile]:
        """Result files waiting to be imported, each returned once."""


class FileChannel:
    def __init__(self, outbox: Path | str | None = None, inbox: Path | str | None = None):
        self.outbox = Path(outbox or settings.INQUIRY_OUTBOX_DIR)
        self.inbox = Path(inbox or settings.INQUIRY_INBOX_DIR)

    def send(self, batch_export) -> str:
        name = batch_export.file_name
        if not SAFE_NAME.match(name):
            raise ValueError(f"unsafe file name {name!r}")
        self.outbox.mkdir(parents=True, exist_ok=True)
        target = self.outbox / name
        if target.exists() and target.read_bytes() == batch_export.content:
            return str(target)
        # Written whole or not at all: a reader of the outbox never sees half a ZIP.
        fd, tmp = tempfile.mkstemp(dir=self.outbox, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(batch_export.content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return str(target)

    def fetch(self) -> list[IncomingFile]:
        if not self.inbox.is_dir():
            return []
        done = self.inbox / "done"
        files = []
        for path in sorted(self.inbox.iterdir()):
            if not path.is_file() or path.name.startswith(".") or not SAFE_NAME.match(path.name):
                continue
            files.append(IncomingFile(name=path.name, content=path.read_bytes()))
            done.mkdir(exist_ok=True)
            os.replace(path, done / path.name)
        return files


def get_channel() -> Channel:
    return import_string(settings.INQUIRY_CHANNEL)()
