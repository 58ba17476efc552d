"""A stored framework is parsed once per process for each version and definition text."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ikp_web.apps.frameworks import models
from ikp_web.apps.frameworks.models import FrameworkVersion


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every YAML parse of a framework definition, counted."""
    calls: list[str] = []
    parse = models.parse_definition

    def counting(text: str) -> Any:
        calls.append(text)
        return parse(text)

    monkeypatch.setattr(models, "parse_definition", counting)
    models._FRAMEWORKS.clear()
    return calls


def test_repeated_access_parses_once(
    framework_version: FrameworkVersion, parses: list[str]
) -> None:
    first = framework_version.framework()
    again = FrameworkVersion.objects.get(pk=framework_version.pk)  # a new instance, same row
    assert again.framework() is first
    for _ in range(5):
        FrameworkVersion.objects.get(pk=framework_version.pk).framework()
    assert len(parses) == 1


def test_changed_definition_is_parsed_again(
    framework_version: FrameworkVersion, parses: list[str]
) -> None:
    old = framework_version.framework()
    data = framework_version.as_dict()
    data["name"] = {**data["name"], "en": "Changed name"}
    framework_version.definition = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    framework_version.save()
    new = FrameworkVersion.objects.get(pk=framework_version.pk).framework()
    assert new is not old
    assert new.name_en == "Changed name" and old.name_en != "Changed name"
    assert len(parses) == 3  # old parse, as_dict above, new parse


def test_other_version_gets_its_own_parse(
    framework_version: FrameworkVersion, parses: list[str]
) -> None:
    old = framework_version.framework()
    data = framework_version.as_dict()
    data["version"] = "2024.9"
    other = FrameworkVersion.objects.create(
        slug=framework_version.slug,
        version="2024.9",
        name=framework_version.name,
        definition=yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
    )
    assert other.framework().version == "2024.9"
    assert framework_version.framework() is old
