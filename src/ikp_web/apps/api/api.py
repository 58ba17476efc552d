"""The versioned JSON API (OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs)."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="IKP API",
    version="1.0.0",
    urls_namespace="api-v1",
    description="Indeks Kerawanan Pemilu: editions, regions, results and GeoJSON.",
)


@api.get("/health", tags=["meta"])
def health(request: object) -> dict[str, str]:
    return {"status": "ok"}
