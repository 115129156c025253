"""Datasets and briefing packs the export tests read (built once per test module)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard import views
from dashboard.core.db import make_engine
from dashboard.export import briefing
from loaders.sample import remove_sample
from loaders.store import load_bytes
from tests.conftest import need
from tests.dashboard.packs import CHROMIUM, FILTERS


@pytest.fixture(scope="module")
def sample_ds(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> views.Dataset:
    path = tmp_path_factory.mktemp("exp") / "sample.sqlite"
    shutil.copy(template_dir / "sample.sqlite", path)
    return views.load_dataset(engine=make_engine(url=f"sqlite:///{path}"), include_sample=True)


@pytest.fixture(scope="module")
def real_ds(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> views.Dataset:
    """The sample removed through the loaders, plus a hostile note and source to export."""
    path = tmp_path_factory.mktemp("exp") / "real.sqlite"
    shutil.copy(template_dir / "sample.sqlite", path)
    engine = make_engine(url=f"sqlite:///{path}")
    remove_sample(engine=engine)
    hostile = (
        b"participant,indicator,date,value,source,note\n"
        b'VNM,R2.1,2020,2,"<script>alert(1)</script> Ministry","=HYPERLINK(""http://x"",""y"")"\n'
        b"THA,R2.1,2021,1,+cmd source,@SUM(A1)\n"
    )
    load_bytes(engine=engine, data=hostile, name="hostile.csv")
    return views.load_dataset(engine=engine, include_sample=False)


@pytest.fixture(scope="module")
def region_pack(sample_ds: views.Dataset) -> briefing.Pack:
    """The region's pack with the sample (SAMPLE DATA on every slide)."""
    need("Chromium (for kaleido)", CHROMIUM is not None)
    return briefing.build_pack(ds=sample_ds, filters=FILTERS)


@pytest.fixture(scope="module")
def participant_pack(real_ds: views.Dataset) -> briefing.Pack:
    """Viet Nam's pack on documented data only."""
    need("Chromium (for kaleido)", CHROMIUM is not None)
    return briefing.build_pack(ds=real_ds, filters=FILTERS, participant="VNM")
