"""Many documents at once: the batch is split over worker processes (issue 7's speed target).

reportlab lays out pages in pure Python, so one process writes about 60 one-page statements a
second; "1,000 statements in under 15 seconds on a 2-core machine" needs both cores. The
targets are cut into contiguous chunks; this process and ``workers - 1`` spawned processes
(each opening the SQLite book read-only) take chunks in turn from a shared counter:

* one file per target: each process writes its targets' files (temporary name, rename);
* one combined file: each chunk becomes a part PDF (a temporary file next to the output, every
  document with its own "Page X of Y" and outline entry) and the parts are joined in target
  order with ``pypdf`` (outline kept) into the output, through a temporary name and a rename.

Progress is reported per document as pages are laid out, in every process; cancel (from the
caller's ``Progress``) is passed to the workers through an event that they check between
documents, and everything this call wrote is removed. Spawned (not forked) processes: forking a
process that runs Qt threads is unsafe, and spawn behaves the same on Windows and macOS.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import queue as queue_module
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.platypus import Flowable

from desktop_ar.documents.base import CompanyInfo, Document, build_documents
from desktop_ar.domain.errors import Cancelled, DomainError, UserFacingError
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs.batch_files import Files
from desktop_ar.services.progress import NullProgress, Progress

__all__ = ["MIN_PARALLEL", "auto_workers", "join_pdfs", "write_parallel"]

MIN_PARALLEL = 40  # fewer documents are written faster in one process than by starting workers
_MIN_CHUNK = 20
_POLL = 0.05  # seconds between looks at the workers' messages and the cancel flag

Emit = Callable[[tuple[Any, ...]], None]


def auto_workers(ctx: ServiceContext, count: int) -> int:
    """How many processes write ``count`` documents: 1, or up to 2 for a big SQLite batch.

    ``DESKTOP_AR_PDF_WORKERS`` overrides the number (1 turns the workers off).
    """
    if ctx.db_path is None:  # a server database: workers would need its credentials
        return 1
    if getattr(sys, "frozen", False):  # a bundled app starts workers only with freeze_support
        return 1
    env = os.environ.get("DESKTOP_AR_PDF_WORKERS", "").strip()
    if env.isdigit():
        return max(1, int(env))
    if count < MIN_PARALLEL:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class _Job:
    """What every process needs to render its chunks (pickled to the workers)."""

    db: str
    today: date
    user: str
    role: str
    chunks: tuple[tuple[Any, ...], ...]  # tuples of Target
    opts: Any  # DocOptions
    company: CompanyInfo
    paper: str
    out: str  # the combined file (parts go next to it), or the folder of per-target files
    per_file: bool


def _part_path(out: Path, k: int) -> Path:
    return out.with_name(f".{out.name}.part{k:04d}.{os.getpid()}.tmp")


class _Tick(Flowable):  # type: ignore[misc]
    """A zero-size mark at the start of each document: the previous one is laid out."""

    def __init__(self, on_draw: Callable[[], None]) -> None:
        super().__init__()
        self._on_draw = on_draw
        self.width = self.height = 0

    def wrap(self, *_: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._on_draw()


class _CheckOnly(NullProgress):
    """Progress that reports nowhere but stops when ``stop()`` says so."""

    def __init__(self, stop: Callable[[], bool]) -> None:
        self._stop = stop

    @property
    def cancelled(self) -> bool:
        """True once the batch was cancelled."""
        return self._stop()

    def check(self) -> None:
        """Raise ``Cancelled`` once the batch was cancelled."""
        if self._stop():
            raise Cancelled


def _run_chunk(
    ctx: ServiceContext, job: _Job, k: int, emit: Emit, stopped: Callable[[], bool]
) -> None:
    """Render chunk ``k``: its files, or its part of the combined file; emit what happens."""
    from desktop_ar.services.docs import render_documents

    targets = list(job.chunks[k])
    check = _CheckOnly(stopped)
    docs = render_documents(ctx, targets, job.opts, company=job.company, progress=check)
    if job.per_file:
        folder = Path(job.out)
        files = Files(emit)
        try:
            for target, doc in zip(targets, docs, strict=True):

                def write(fh: BinaryIO, d: Document = doc) -> None:
                    build_documents(fh, [d], paper=job.paper, title=d.title)

                files.add(folder / f"{target.key}.pdf", write)
                emit(("done", target.label))
                check.check()
        except BaseException:
            files.close(quiet=True)
            raise
        files.close()
        return
    rendered: list[Document] = []
    for i, doc in enumerate(docs):

        def laid_out(i: int = i) -> None:
            check.check()
            if i:
                emit(("done", targets[i - 1].label))

        rendered.append(Document([_Tick(laid_out), *doc.flowables], doc.lang, doc.title))
    part = _part_path(Path(job.out), k)
    emit(("part", k, str(part)))  # before writing: a failure still removes it
    build_documents(part, rendered, paper=job.paper, title=rendered[0].title)
    emit(("done", targets[-1].label))


def _take(counter: Any, total: int) -> int | None:
    with counter.get_lock():
        k = int(counter.value)
        if k >= total:
            return None
        counter.value = k + 1
    return k


def _worker(job: _Job, counter: Any, messages: Any, cancel: Any, wid: int) -> None:
    """A spawned process: open the book read-only and render chunks until none are left."""
    from desktop_ar.services.book import open_book
    from desktop_ar.services.context import FixedClock

    ctx = None
    try:
        clock = FixedClock(job.today)
        ctx = open_book(job.db, user=job.user, role=job.role, clock=clock, read_only=True)
        while (k := _take(counter, len(job.chunks))) is not None:
            if cancel.is_set():
                raise Cancelled
            _run_chunk(ctx, job, k, messages.put, cancel.is_set)
        messages.put(("end", wid))
    except Cancelled:
        messages.put(("cancelled", wid))
    except DomainError as exc:
        kind = type(exc)
        messages.put(("error", wid, f"{kind.__module__}:{kind.__qualname__}", exc.code, exc.params))
    except BaseException:
        messages.put(("crash", wid, traceback.format_exc()))
    finally:
        if ctx is not None:
            ctx.engine.dispose()


def join_pdfs(parts: Sequence[Path], out: BinaryIO, *, title: str) -> None:
    """Join PDF files page by page into ``out``, keeping their outlines (bookmarks)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(str(part), import_outline=True)
    writer.add_metadata({"/Title": title, "/Producer": "Desktop AR (ReportLab, pypdf)"})
    writer.write(out)


class _Batch:
    """The bookkeeping of one parallel call in the calling process."""

    def __init__(self, total: int, progress: Progress, messages: Any, cancel: Any) -> None:
        self.total = total
        self.progress = progress
        self.messages = messages
        self.cancel = cancel
        self.done = 0
        self.files: list[Path] = []
        self.parts: dict[int, Path] = {}
        self.ended: set[int] = set()
        self.failure: BaseException | None = None

    def stopped(self) -> bool:
        if self.progress.cancelled:
            self.cancel.set()
        return self.cancel.is_set()

    def handle(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "done":
            self.done += 1
            self.progress.report(self.done, self.total, str(msg[1]))
        elif kind == "file":
            self.files.append(Path(msg[1]))
        elif kind == "part":
            self.parts[int(msg[1])] = Path(msg[2])
        else:
            self.ended.add(int(msg[1]))
            if kind == "error" and self.failure is None:
                self.failure = _domain_error(msg[2], msg[3], msg[4])
            elif kind == "crash" and self.failure is None:
                self.failure = RuntimeError(f"a PDF worker failed:\n{msg[2]}")
            if kind in {"error", "crash"}:
                self.cancel.set()

    def drain(self, timeout: float | None = None) -> None:
        try:
            msg = self.messages.get(timeout=timeout) if timeout else self.messages.get_nowait()
        except queue_module.Empty:
            return
        self.handle(msg)
        while True:
            try:
                self.handle(self.messages.get_nowait())
            except queue_module.Empty:
                return

    def local(self, msg: tuple[Any, ...]) -> None:
        """A message from this process's own chunks: handle it, and the workers' so far."""
        self.handle(msg)
        self.drain()


def _domain_error(name: str, code: str, params: dict[str, Any]) -> DomainError:
    """A worker's error again, of its own class (``NotFound``…), with its code and params."""
    import importlib

    module, _, qualname = name.partition(":")
    cls: Any = UserFacingError
    with contextlib.suppress(ImportError, AttributeError):
        found = getattr(importlib.import_module(module), qualname)
        if isinstance(found, type) and issubclass(found, DomainError):
            cls = found
    exc: DomainError = cls.__new__(cls)
    exc.code, exc.params = code, params
    Exception.__init__(exc, exc.message)
    return exc


def _chunks(targets: Sequence[Any], workers: int) -> tuple[tuple[Any, ...], ...]:
    size = max(_MIN_CHUNK, math.ceil(len(targets) / (2 * workers)))
    return tuple(tuple(targets[i : i + size]) for i in range(0, len(targets), size))


def write_parallel(
    ctx: ServiceContext,
    targets: Sequence[Any],
    opts: Any,
    out: Path,
    *,
    per_file: bool,
    paper: str,
    title: str,
    company: CompanyInfo,
    workers: int,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``targets`` with ``workers`` processes (this one included); see the module doc.

    Returns:
        The files written: the combined file, or one file per target in target order.

    Raises:
        Cancelled: the progress was cancelled (nothing of this call is left behind).
        UserFacingError: a worker failed with it (the same cleanup).
    """
    from desktop_ar.services.docs import write_atomic

    assert ctx.db_path is not None
    progress = progress or NullProgress()
    mp = multiprocessing.get_context("spawn")
    job = _Job(
        db=str(ctx.db_path),
        today=ctx.clock.today(),
        user=ctx.user,
        role=ctx.role,
        chunks=_chunks(targets, workers),
        opts=opts,
        company=company,
        paper=paper,
        out=str(out),
        per_file=per_file,
    )
    counter = mp.Value("i", 0)
    messages = mp.Queue()
    cancel = mp.Event()
    batch = _Batch(len(targets), progress, messages, cancel)
    procs = [
        mp.Process(target=_worker, args=(job, counter, messages, cancel, wid), daemon=True)
        for wid in range(1, min(workers, len(job.chunks)))
    ]
    for p in procs:
        p.start()
    written: list[Path] = []
    try:
        try:
            while (k := _take(counter, len(job.chunks))) is not None:
                if batch.stopped():
                    break
                _run_chunk(ctx, job, k, batch.local, batch.stopped)
        except Cancelled:
            cancel.set()
        except BaseException:
            cancel.set()
            raise
        finally:
            _wait(batch, procs)
        if batch.failure is not None:
            raise batch.failure
        if progress.cancelled or cancel.is_set():
            raise Cancelled
        if per_file:
            written = [out / f"{t.key}.pdf" for t in targets]
        else:
            parts = [batch.parts[k] for k in sorted(batch.parts)]
            if len(parts) != len(job.chunks):
                raise RuntimeError(f"{len(parts)} of {len(job.chunks)} PDF parts were written")
            written = [write_atomic(out, lambda fh: join_pdfs(parts, fh, title=title))]
    except BaseException:
        for path in batch.files:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    finally:
        for path in batch.parts.values():
            with contextlib.suppress(OSError):
                path.unlink()
        messages.close()
    return written


def _wait(batch: _Batch, procs: Sequence[Any]) -> None:
    """Let every worker finish (reading their messages), then reap them."""
    wids = set(range(1, len(procs) + 1))
    while not wids <= batch.ended:
        batch.stopped()
        batch.drain(_POLL)
        for wid, p in enumerate(procs, start=1):
            if wid not in batch.ended and p.exitcode is not None:
                batch.drain()
                if wid not in batch.ended:  # died without a word (killed, out of memory)
                    batch.ended.add(wid)
                    batch.failure = batch.failure or RuntimeError(
                        f"a PDF worker stopped (exit code {p.exitcode})"
                    )
                    batch.cancel.set()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.terminate()
            p.join()
