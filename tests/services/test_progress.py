"""Progress reporting: the stderr bar and cancellation."""

from __future__ import annotations

import io

import pytest

from desktop_ar.domain.errors import Cancelled
from desktop_ar.services.progress import CallbackProgress, StderrProgress


def test_stderr_bar_finishes_once() -> None:
    out = io.StringIO()
    bar = StderrProgress(stream=out)
    bar.report(0, 10, "start")
    bar.report(10, 10, "Done")
    bar.report(10, 10, "Done")
    assert out.getvalue().count("\n") == 1
    assert "100.0%" in out.getvalue()


def test_cancel_raises_on_check() -> None:
    seen: list[tuple[int, int, str]] = []
    progress = CallbackProgress(lambda d, t, x: seen.append((d, t, x)))
    progress.report(1, 2, "half")
    progress.check()
    progress.cancel()
    assert progress.cancelled
    with pytest.raises(Cancelled):
        progress.check()
    assert seen == [(1, 2, "half")]
