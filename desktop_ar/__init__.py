"""Desktop AR: offline accounts receivable for small finance teams."""

from __future__ import annotations

__version__ = "0.1.0"
