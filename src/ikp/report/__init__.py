"""Human-readable reports of an index run (self-contained HTML summary)."""

from __future__ import annotations

from ikp.report.html import render_summary, write_summary

__all__ = ["render_summary", "write_summary"]
