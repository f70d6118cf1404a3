"""One PDF per document, written quickly and safely (``services.docs.batch``, per-file mode).

Each file is written to a temporary name in the target folder, flushed to disk (``fsync``) and
only then renamed into place, as ``services.docs.write_atomic`` does; here the flush and rename
run on a few threads so that the next documents are laid out while the disk catches up.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from desktop_ar.domain.errors import UserFacingError

__all__ = ["Files"]

Emit = Callable[[tuple[Any, ...]], None]
_BACKLOG = 16  # files written but not yet on disk (open file handles)


def _settle(fh: BinaryIO, tmp: Path, path: Path) -> Path:
    """Flush a written temporary file to disk and rename it into place (on a pool thread)."""
    try:
        fh.flush()
        if hasattr(os, "fchmod"):  # not on Windows
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
        os.fsync(fh.fileno())
    finally:
        fh.close()
    os.replace(tmp, path)
    return path


def _umask() -> int:
    from desktop_ar.services.docs import _UMASK

    return _UMASK


class Files:
    """One file per document: written here, flushed to disk and renamed by a few threads.

    ``fsync`` waits for the disk and releases the GIL, so the next documents are laid out
    meanwhile (one fsync per file costs as much as the layout on a slow disk). Every file is
    still written to a temporary name and renamed only once it is on disk.
    """

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pdf-fsync")
        self._pending: list[tuple[Path, Future[Path]]] = []
        self._failure: BaseException | None = None

    def add(self, path: Path, write: Callable[[BinaryIO], None]) -> None:
        """Write ``path``'s content to a temporary file now; flush and rename it later."""
        try:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise _cannot_write(path, exc) from exc
        tmp = Path(name)
        fh = os.fdopen(fd, "wb")
        try:
            write(fh)
        except BaseException:
            fh.close()
            tmp.unlink(missing_ok=True)
            raise
        self._pending.append((tmp, self._pool.submit(_settle, fh, tmp, path)))
        if self._settled(_BACKLOG) is not None:
            self.close()  # raises the failure (the caller cleans up what was written)

    def _settled(self, backlog: int) -> BaseException | None:
        """Wait until at most ``backlog`` files are pending; report the ones renamed."""
        failure: BaseException | None = None
        while len(self._pending) > backlog:
            tmp, future = self._pending.pop(0)
            try:
                self._emit(("file", str(future.result())))
            except BaseException as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
                failure = failure or exc
        if failure is not None and backlog:
            self._failure = self._failure or failure
        return failure

    def close(self, *, quiet: bool = False) -> None:
        """Wait for every file; report the ones renamed into place; raise the first failure."""
        late = self._settled(0)
        failure = self._failure or late
        self._pool.shutdown()
        if failure is not None and not quiet:
            if isinstance(failure, OSError):
                raise _cannot_write(Path(str(failure.filename or "")), failure) from failure
            raise failure


def _cannot_write(path: Path, exc: OSError) -> UserFacingError:
    reason = f"cannot write the file ({exc.strerror or exc})"
    return UserFacingError("invalid", field=str(path), reason=reason)
