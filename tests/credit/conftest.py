"""The world of the credit tests: 卓资县's housing project with its developer, general contractor and a labour
subcontractor, 丰镇市's energy project, and staff of every kind."""

import datetime as dt

import pytest

from projects.models import ProjectParty
from tests.conftest import make_staff
from tests.factories import EnterpriseFactory, ProjectFactory, resident_id
from units.models import Unit

LEGAL_REP_ID = resident_id("15092119800101123")
RESPONSIBLE_ID = resident_id("15092119850612301")


@pytest.fixture
def credit_world(db):
    units = {u.code: u for u in Unit.objects.all()}
    developer = EnterpriseFactory(name="卓资县城投开发有限公司")
    contractor = EnterpriseFactory(name="内蒙古欠薪建筑工程有限公司", legal_representative="钱某")
    labour = EnterpriseFactory(name="乌兰察布市劳务派遣有限公司")
    other = EnterpriseFactory(name="丰镇市送变电工程有限公司")
    zz = ProjectFactory(code="ZZ-CREDIT-1", name="卓资县保障房工程", district=units["150921"],
                        sector=units["housing"], developer=developer, general_contractor=contractor,
                        contract_date=dt.date(2026, 1, 5))
    zz2 = ProjectFactory(code="ZZ-CREDIT-2", name="卓资县学校宿舍楼", district=units["150921"],
                         sector=units["education"], general_contractor=other, contract_date=dt.date(2026, 1, 5))
    ProjectParty.objects.create(project=zz2, enterprise=contractor, role=ProjectParty.Role.SUBCONTRACTOR)
    ProjectParty.objects.create(project=zz, enterprise=labour, role=ProjectParty.Role.LABOUR_SUBCONTRACTOR)
    fz = ProjectFactory(code="FZ-CREDIT-1", name="丰镇市输变电工程", district=units["150981"],
                        sector=units["energy"], general_contractor=other, contract_date=dt.date(2026, 1, 5))
    return {
        "units": units, "developer": developer, "contractor": contractor, "labour": labour, "other": other,
        "zz": zz, "zz2": zz2, "fz": fz,
        "intake": make_staff("intake", username="credit_intake"),
        "supervisor": make_staff("supervisor", username="credit_supervisor"),
        "admin": make_staff("admin", username="credit_admin", is_staff=True),
        "zhuozi": make_staff("officer", "150921", username="credit_zhuozi"),
        "housing": make_staff("officer", "housing", username="credit_housing"),
        "fengzhen": make_staff("officer", "150981", username="credit_fengzhen"),
        "manager": make_staff("wage_manager", username="credit_manager"),
    }


def blacklist_body(enterprise, **overrides):
    body = {"kind": "blacklist", "enterprise": enterprise.credit_code, "number": "乌人社失信〔2026〕1号",
            "date": "2026-03-02", "reason": "拖欠48名农民工工资126万元,经责令限期支付逾期未支付",
            "persons": [{"name": "钱某", "role": "legal_representative", "id_number": LEGAL_REP_ID},
                        {"name": "孙某", "role": "responsible", "id_number": RESPONSIBLE_ID}]}
    body.update(overrides)
    return body


def order_body(enterprise, **overrides):
    body = {"kind": "rectification_order", "enterprise": enterprise.credit_code, "number": "卓人社责改〔2026〕1号",
            "date": "2026-03-02", "problem": "未按月足额支付农民工工资", "deadline": "2026-06-30"}
    body.update(overrides)
    return body
