"""The demo book: a seeded, believable small company's receivables (see ``seed_demo``)."""

from __future__ import annotations

from desktop_ar.services.demo.seed import DemoSummary, seed_demo

__all__ = ["DemoSummary", "seed_demo"]
