"""Logging filters for the web platform."""

from __future__ import annotations

import logging


class ExpectedRefusals(logging.Filter):
    """Keep the one-line warning Django logs for a refused request (403) but drop its
    traceback: a role that may not open a page is expected, not an error to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
