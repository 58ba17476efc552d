"""Response shapes of the API, for the OpenAPI document (and a test checks real payloads
against them)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict


class ErrorOut(Schema):
    code: str = Field(..., description="stable name, e.g. NOT_FOUND, INVALID_PARAMETER")
    message: str = Field(..., description="human-readable, in the request's language")
    data: dict[str, Any] = Field(default_factory=dict, description="structured details")


class Synthetic(Schema):
    synthetic: bool = Field(..., description="true: SYNTHETIC data, not Bawaslu data")
    label: str | None = Field(None, description="'DATA SINTETIS — bukan data Bawaslu' if synthetic")


class PageMeta(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


class FrameworkRef(Schema):
    slug: str
    version: str
    name: str


class VersionOut(Schema):
    version: int
    status: str
    published: bool
    published_at: str | None
    created: str | None
    change_log: str
    supersedes: int | None
    synthetic: bool
    uncertainty_runs: int
    input_hash: str


class ChangeLogOut(Schema):
    version: int
    published_at: str | None
    supersedes: int | None
    text: str


class EditionOut(Synthetic):
    slug: str
    name: str
    framework: FrameworkRef
    region_level: str = Field(..., description="province | regency")
    region_edition: str = Field(..., description="region code list: current | 2022")
    kind: str = Field(..., description="collected | published_external")
    period_start: str | None
    period_end: str | None
    source: str
    previous: str | None
    latest_published_version: int | None
    versions: list[VersionOut] = Field(
        ..., description="published versions; offices and partners also see unpublished ones"
    )
    change_log: list[ChangeLogOut]
    links: dict[str, str]


class NodeOut(Schema):
    code: str
    name: str
    name_en: str
    level: int = Field(..., description="1 indicator, 2 sub-dimension, 3 dimension, 4 index")
    level_name: str
    parent: str | None


class EditionDetailOut(EditionOut):
    nodes: list[NodeOut]


class EditionPage(PageMeta, Synthetic):
    items: list[EditionOut]


class ComputationOut(Schema):
    id: int
    version: int
    published: bool
    published_at: str | None
    created: str | None
    uncertainty_runs: int
    input_hash: str
    source: str


class ResultOut(Schema):
    region_code: str
    region_name: str
    province_code: str
    province_name: str
    node_code: str
    level: int
    score: float | None
    rank: float | None
    class_: str | None = Field(None, alias="class")
    rank_p05: float | None = Field(None, description="5th percentile of the rank (Monte Carlo)")
    rank_median: float | None
    rank_p95: float | None = Field(None, description="95th percentile of the rank (Monte Carlo)")
    class_probabilities: dict[str, float | None] = Field(
        ..., description="class label → probability of the class (Monte Carlo share of runs)"
    )
    # one flat field per class label of the framework (IKP: rendah, sedang, tinggi); another
    # framework's labels arrive as further prob_<label> fields (extra fields are allowed)
    prob_rendah: float | None = Field(None, description="P(class = rendah), Monte Carlo")
    prob_sedang: float | None = Field(None, description="P(class = sedang), Monte Carlo")
    prob_tinggi: float | None = Field(None, description="P(class = tinggi), Monte Carlo")
    reliability: float | None = Field(None, description="share of the region's data present")
    source: str | None = Field(None, description="source of a published Bawaslu figure")

    model_config = ConfigDict(extra="allow")


class ResultsPage(PageMeta, Synthetic):
    edition: str
    node: str | None
    level: int | None
    computation: ComputationOut
    source: str
    items: list[ResultOut]


class RegionResultsOut(Synthetic):
    edition: str
    region: dict[str, Any]
    computation: ComputationOut
    source: str
    items: list[ResultOut]


class RegionRef(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str = Field(..., description="Kemendagri dotted code, e.g. 32.04")
    code_kemendagri: str = Field(..., description="typed code, e.g. kemendagri:32.04")
    name: str
    level: int = Field(..., description="1 provinsi, 2 kabupaten/kota")
    level_name: str
    province_code: str
    edition: str
    population: int | None
    area_km2: float | None
    parent: RegionRef | None


class RegionChild(RegionRef):
    level: int


class RegionDetailOut(RegionOut):
    children: list[RegionChild]


class RegionPage(PageMeta):
    items: list[RegionOut]


class FeatureCollectionOut(Synthetic):
    type: str = Field(..., description="FeatureCollection")
    edition: str
    node: str
    computation: ComputationOut
    source: str
    map_region_edition: str
    features: list[dict[str, Any]]


class JobOut(Schema):
    id: int
    kind: str
    status: str = Field(..., description="queued | running | done | failed")
    progress: int = Field(..., description="0–100")
    message: str
    created: str | None
    updated: str | None
    result: dict[str, Any]


class SubmissionOut(Schema):
    region_code: str
    region_name: str
    province_code: str
    status: str
    submitted_at: str | None
    verified_at: str | None
    updated: str | None


class SubmissionPage(PageMeta, Synthetic):
    edition: str
    items: list[SubmissionOut]


class ObservationOut(Schema):
    indicator_code: str
    incidence_level: str
    value: float | None
    note: str
    source: str
    updated: str | None
    updated_by: str | None


class SubmissionDetailOut(SubmissionOut, Synthetic):
    edition: str
    observations: list[ObservationOut]
    reviews: list[dict[str, Any]]


class MeOut(Schema):
    authenticated: bool
    username: str | None
    role: str
    region: RegionRef | None
    can_see_unpublished: bool
    via: str = Field(..., description="token | session | anonymous")
