"""Download bundles (dashboard/bundle.py) for every page's charts, as /api/v1/bundle/PAGE.zip
makes them: a datapackage.json the frictionless validator passes (the Data Package standard),
every column typed as written and described, sources with links, licence, citation, versions;
the CSV the chart's own download; SAMPLE DATA said where the sample is in. And docs/api.md
gives every field of every data route."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from dashboard import bundle, export
from dashboard.api import pages, tables
from dashboard.api.params import Query
from dashboard.core.scoring import RULE_VERSION
from dashboard.fields import ROUTE_FIELDS, describe
from dashboard.filters import Filters
from dashboard.views import load_dataset

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def datasets(template_dir: Path) -> dict[bool, object]:
    from dashboard.core.db import make_engine

    engine = make_engine(url=f"sqlite:///{template_dir / 'sample.sqlite'}")
    return {s: load_dataset(engine=engine, include_sample=s) for s in (False, True)}


def _validate(folder: Path) -> None:
    from frictionless import validate

    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])


@pytest.mark.parametrize("page", list(pages.PAGES))
@pytest.mark.parametrize("sample", [False, True])
def test_every_pages_bundle_is_a_valid_data_package(
    page: str, sample: bool, datasets: dict[bool, object], tmp_path: Path
) -> None:
    ds = datasets[sample]
    filters = Filters(participants=("VNM", "THA", "JPN"), from_year=2011, to_year=2024,
                      sample=sample)  # fmt: skip
    view = pages.PAGES[page].build(ds=ds, query=Query(filters=filters))
    data = bundle.build(
        charts=view.charts, title=view.title, link="http://localhost:8501/x",
        data_version=ds.version, filters=filters, names=ds.names, images=False,  # type: ignore[attr-defined]
    )  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(tmp_path)
        names = zf.namelist()
    _validate(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["data_version"] == ds.version and package["method_version"] == RULE_VERSION  # type: ignore[attr-defined]
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["citation"].startswith(
        "RtoP Monitor, “"
    )
    csvs = [c for c in view.charts if c.data is not None and not c.data.empty]
    assert len(package["resources"]) == len(csvs) and {"README.md", "datapackage.json"} <= set(
        names
    )
    for chart, resource in zip(csvs, package["resources"], strict=True):
        assert chart.data is not None
        assert (tmp_path / resource["path"]).read_bytes() == export.table_bytes(
            chart.data, fmt="csv", meta=chart.meta
        )  # the chart's own CSV download
        for field in resource["schema"]["fields"]:
            assert field["description"], (page, resource["path"], field["name"])
        for source in resource.get("sources", []):
            assert source["title"] and source.get("path", "https://").startswith("http")
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert ds.version in readme and RULE_VERSION in readme  # type: ignore[attr-defined]
    assert ("SAMPLE DATA" in readme) == package["sample_data"]
    if sample and page in ("recommendations", "map"):
        assert package["sample_data"] is True


def test_a_bundle_with_its_images(datasets: dict[bool, object], tmp_path: Path) -> None:
    ds = datasets[False]
    filters = Filters(participants=("VNM", "THA"), from_year=2011, to_year=2024)
    view = pages.PAGES["recommendations"].build(ds=ds, query=Query(filters=filters))
    data = bundle.build(charts=view.charts, title=view.title, link="http://localhost:8501/x",
                        data_version=ds.version, filters=filters, names=ds.names)  # type: ignore[attr-defined]  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(tmp_path)
        names = set(zf.namelist())
    stem = "rtop-tracker-VNM-THA-2011-2024"
    assert {f"{stem}.csv", f"{stem}.png", f"{stem}.svg"} <= names
    assert export.png_size((tmp_path / f"{stem}.png").read_bytes())[0] == 3200
    assert (tmp_path / f"{stem}.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    _validate(tmp_path)


def test_column_types_are_read_from_what_the_csv_holds() -> None:
    assert bundle.field_type(["1", "", "12"]) == "integer"
    assert bundle.field_type(["1.5", "2", ""]) == "number"
    assert bundle.field_type(["True", "False"]) == "boolean"
    assert bundle.field_type(["2024-01-02", ""]) == "date"
    assert bundle.field_type(["2024", "Nov 2024"]) == "string"
    assert bundle.field_type(["", ""]) == "string"


def test_every_route_field_is_described_here_and_in_docs_api(ref_engine: Engine) -> None:
    ds = load_dataset(engine=ref_engine, include_sample=True)
    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `?(\w+)`?.*?\n(.*?)(?=^### |\Z)", docs, re.S | re.M))
    for name, route in tables.ROUTES.items():
        kwargs = {"year": None} if "year" in route.own else {}
        answer = route.make(ds=ds, filters=Filters(sample=True), offset=0, limit=100, **kwargs)
        columns = list(answer.frame.columns) + (["marking"] if answer.meta.synthetic else [])
        assert set(columns) <= set(ROUTE_FIELDS[name]), (
            name,
            set(columns) - set(ROUTE_FIELDS[name]),
        )
        assert name in sections, f"docs/api.md has no section for {name}"
        for column in columns:
            assert describe(column, route=name)
            assert f"`{column}`" in sections[name], f"docs/api.md: {name}.{column} not described"
