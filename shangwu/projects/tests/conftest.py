import datetime
import itertools
from decimal import Decimal

import pytest

from shangwu.organization.models import Region
from shangwu.projects import services
from shangwu.projects.models import IndustryChain, Stage

_codes = itertools.count(1)


@pytest.fixture
def stage():
    """``stage("签约")``: a default stage by name."""
    return lambda name: Stage.objects.get(name=name)


@pytest.fixture
def chain():
    return lambda name: IndustryChain.objects.get(name=name)


@pytest.fixture
def make_project(db, city_staff):
    """A project created through the service, entered on ``on`` (default 2024-12-01), in county
    A unless told otherwise; ``reach={"签约": date, ...}`` walks it through those stages."""

    def make(
        *,
        county="419902",
        township=None,
        name=None,
        total=1000,
        chain=None,
        on=datetime.date(2024, 12, 1),
        reach=None,
        **fields,
    ):
        project = services.project_create(
            actor=city_staff,
            on=on,
            code=fields.pop("code", f"T-{next(_codes):05d}"),
            name=name or "测试项目",
            investor_name=fields.pop("investor_name", "测试投资集团有限公司"),
            investor_type=fields.pop("investor_type", "private"),
            origin=fields.pop("origin", "province"),
            origin_place=fields.pop("origin_place", "江苏"),
            total_investment=Decimal(total),
            county=Region.objects.get(code=county),
            township=Region.objects.get(code=township) if township else None,
            chain=IndustryChain.objects.get(name=chain) if chain else None,
            **fields,
        )
        for stage_name, day in (reach or {}).items():
            services.project_move_stage(
                project=project,
                stage=Stage.objects.get(name=stage_name),
                on=day,
                actor=city_staff,
                note="",
            )
        return project

    return make
