"""Domain configuration for the web layer."""

ROLE_RI = "ri"
ROLE_PROVINCE = "provinsi"
ROLE_REGENCY = "kabkota"
ROLE_PARTNER = "mitra"
ROLE_PUBLIC = "publik"

UPLOAD_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_UNCERTAINTY_RUNS = 1000
