"""ikp: the pure computation core of the Indeks Kerawanan Pemilu platform.

This package never imports Django (see docs/adr/0001-core-has-no-django.md).
"""

__version__ = "0.1.0"

SYNTHETIC_LABEL = "DATA SINTETIS — bukan data Bawaslu"
SYNTHETIC_LABEL_EN = "SYNTHETIC DATA — not Bawaslu data"
