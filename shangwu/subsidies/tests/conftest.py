import datetime
from decimal import Decimal

import pytest

from shangwu.organization.models import OrgUnit, Region
from shangwu.subsidies import services
from shangwu.subsidies.choices import ProductCategory

YEAR = 2026
# The 国庆 holiday of 2026 (chinesecalendar): 10月1日—7日 rest; 9月20日 (Sun) and 10月10日 (Sat)
# are make-up working days.
BEFORE_GUOQING = datetime.date(2026, 9, 28)


@pytest.fixture
def programme(db, city_staff):
    """The city's 以旧换新 programme of 2026: 家电 15% capped at 2000元 a unit, 乘用车 15000元
    a car; every county; 15 working days from 受理 to 拨付."""
    return services.subsidy_programme_create(
        actor=city_staff,
        name="云河市2026年消费品以旧换新",
        kind="appliance",
        organiser=OrgUnit.objects.filter(region__level="city").first(),
        start_on=datetime.date(YEAR, 1, 1),
        end_on=datetime.date(YEAR, 12, 31),
        central_funds=Decimal("1000"),
        promised_workdays=15,
        rules=[
            {
                "category": ProductCategory.FRIDGE,
                "percent": Decimal("15"),
                "cap_per_unit": Decimal("2000"),
            },
            {
                "category": ProductCategory.AIRCON,
                "percent": Decimal("15"),
                "cap_per_unit": Decimal("2000"),
            },
            {"category": ProductCategory.PASSENGER_CAR, "amount_per_unit": Decimal("15000")},
        ],
    )


@pytest.fixture
def make_application(db, programme, county_a, county_b):
    """An application registered through the service, in 河东区 by county_a unless told."""
    counter = iter(range(1, 10_000))

    def make(
        *,
        county="419902",
        township=None,
        category="fridge",
        sale=Decimal("4000"),
        units=1,
        accepted=datetime.date(YEAR, 3, 2),
        actor=None,
        **fields,
    ):
        region = Region.objects.get(code=county)
        actor = actor or (county_a if county == "419902" else county_b)
        return services.subsidy_application_create(
            actor=actor,
            programme=fields.pop("programme", programme),
            number=fields.pop("number", f"T-{next(counter):05d}"),
            applicant_name=fields.pop("applicant_name", "张三丰"),
            id_number=fields.pop("id_number", "419902199001011234"),
            category=category,
            units=units,
            sale_amount=sale,
            county=region,
            township=Region.objects.get(code=township) if township else None,
            accepted_on=accepted,
            **fields,
        )

    return make
