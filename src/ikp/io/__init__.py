"""Files in, frames out: reading indicator data and writing the data-entry template."""

from __future__ import annotations

from ikp.io.readers import LoadedData, load_data, validate_data
from ikp.io.template import template_columns, write_template

__all__ = ["LoadedData", "load_data", "template_columns", "validate_data", "write_template"]
