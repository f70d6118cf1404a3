"""``python -m desktop_ar``: the same as the ``desktop-ar`` command."""

from __future__ import annotations

from desktop_ar.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
