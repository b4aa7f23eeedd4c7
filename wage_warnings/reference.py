"""Reference data of the early warnings: the twelve rules of DOMAIN.md ("Warning signals") with their default
levels, parameters and the articles they rest on, and the handling time limits per level.

Loaded by a data migration and again by the test suite after a flush (`load_rules`); both only create what is
missing, so an administrator's edits (level, parameters, on/off) are never overwritten.
"""

# 内蒙古自治区人民政府办公厅《关于调整自治区最低工资标准的通知》, from 2025-12-01 (replacing 内政办发〔2024〕46号):
# 二类地区 2310 元/月, 三类地区 2250 元/月. Ulanqab's four 二类 districts as in the published list of area classes;
# the other seven are 三类 ("default").
MINIMUM_WAGE = {
    "default": "2250",
    "150902": "2310",  # 集宁区
    "150981": "2310",  # 丰镇市
    "150926": "2310",  # 察哈尔右翼前旗
    "150927": "2310",  # 察哈尔右翼中旗
}

REGULATION = "《保障农民工工资支付条例》(国务院令第724号,2020年5月1日起施行)"
REGIONAL = "《内蒙古自治区保障农民工工资支付条例》(2025年7月1日起施行)"

# code, name, level, parameters, description
RULES = [
    ("wage_account_missing", "未按期开设农民工工资专用账户", "red", {"days": 30},
     f"施工总承包单位应当开设农民工工资专用账户,专项用于支付本项目农民工工资({REGULATION}第二十六条);"
     "按《工程建设领域农民工工资专用账户管理暂行办法》,应在工程施工合同签订之日起30日内开设。"
     "在建项目自合同签订日(未录入时为开工日、登记日)起超过“days”日仍无专户信息,或专户材料被核验退回,即红色预警;"
     "录入专户后自动销号。"),
    ("deposit_missing", "未存储工资保证金", "red",
     {"days": 30, "exemption_below": "3000000", "minimum_percent": "1"},
     f"施工总承包单位应当存储工资保证金或以银行保函、工程保证保险替代({REGULATION}第三十二条),"
     "按施工合同额的1%—3%存储;合同额低于“exemption_below”元(300万元)的项目可依规免缴,须录入免缴理由。"
     "在建项目自合同签订日起超过“days”日既无保证金(或保函、保险)也无符合条件的免缴,或金额低于合同额的"
     "“minimum_percent”%,或材料被退回,即红色预警。"),
    ("roster_missing", "未落实实名制管理", "yellow", {"days_after_start": 0},
     f"施工总承包单位应对进场农民工进行用工实名登记,并在项目部配备劳资专管员({REGULATION}第二十八条)。"
     "在建项目开工满“days_after_start”日仍无实名制花名册(在册人数为零或材料被退回),即黄色预警。"),
    ("notice_board_missing", "未设立维权信息告示牌", "yellow", {"days_after_start": 0},
     f"施工总承包单位应当在施工现场醒目位置设立维权信息告示牌({REGULATION}第三十四条)。"
     "在建项目开工满“days_after_start”日仍未录入告示牌(或照片被退回),即黄色预警。"),
    ("allocation_missing", "未按月拨付人工费用", "red", {},
     f"建设单位应当将人工费用及时足额拨付至农民工工资专用账户,拨付周期不得超过1个月({REGULATION}第二十四条、"
     "第二十九条)。在建项目某月(开工以后)没有任何人工费用拨付记录,次月1日起按该月红色预警;补录拨付后自动销号。"
     "新预警只看最近3个月。"),
    ("pre_allocation_missing", "未按月初预拨人工费用", "red", {"day_of_month": 5},
     f"政府投资和国有企业投资项目实行人工费用预拨制,按进度于每月初预拨当月人工费用({REGIONAL});"
     "“月初”按本平台的解释为每月“day_of_month”日(含)以前。政府或国企投资的在建项目至当月“day_of_month”日"
     "结束仍无当月预拨记录,即红色预警。"),
    ("payroll_late", "工资未按月足额发放", "red", {"months_to_pay": 1},
     f"工资应当按月足额支付,由施工总承包单位通过专用账户直接发放到农民工本人银行账户({REGULATION}第十二条、"
     "第三十一条)。某月工资到其后第“months_to_pay”个月月末(默认:下月底)仍无实发记录(未上传工资表,"
     "或工资表实发人数为零),即红色预警;上传发放记录后自动销号。"),
    ("payroll_headcount_short", "实发人数少于在册人数", "yellow", {},
     f"工资应当发放到每一名农民工本人({REGULATION}第三十一条)。某月工资表实发人数少于在册人数"
     "(未超过“未发放人数超过比例”规则的比例时),即黄色预警。"),
    ("payroll_unpaid_share", "未发放人数超过比例", "red", {"share_percent": "10"},
     f"工资应当按月足额发放到每一名农民工本人({REGULATION}第十二条、第三十一条)。"
     "某月工资表未发放人数超过在册人数的“share_percent”%,即红色预警。"),
    ("below_minimum_wage", "人均工资低于最低工资标准", "red", {"minimum_wage": MINIMUM_WAGE},
     "用人单位支付劳动者的工资不得低于当地最低工资标准(《中华人民共和国劳动法》第四十八条、《最低工资规定》)。"
     "某月工资表人均应发工资低于项目所在旗县市区的月最低工资标准,即红色预警。"
     "标准取自内蒙古自治区人民政府办公厅《关于调整自治区最低工资标准的通知》(2025年12月1日起执行,"
     "内政办发〔2024〕46号同时废止):二类地区2310元/月(集宁区、丰镇市、察哈尔右翼前旗、察哈尔右翼中旗),"
     "三类地区2250元/月(其余旗县);自治区再次调整时请修改参数“minimum_wage”。"),
    ("clue_concentration", "欠薪线索集中", "red", {"clues": 3, "days": 30, "any_red": True},
     f"本平台收到的欠薪线索集中指向同一项目,是欠薪风险的直接信号({REGIONAL}关于欠薪监测预警的要求;"
     "本平台的解释)。近“days”日涉及本项目的线索(不含合并的重复线索)达到“clues”条,或有一条重大(红色)"
     "线索尚未办结或在此期间收到(“any_red”),即红色预警。适用于未开工、在建和停工的项目。"),
    ("blacklisted_party", "参建企业列入失信名单", "red", {},
     f"拖欠农民工工资情节严重的用人单位列入拖欠农民工工资失信联合惩戒对象名单({REGULATION}第四十八条)。"
     "项目的建设单位、施工总承包单位或任一分包单位在失信名单上,即红色预警。适用于未开工、在建和停工的项目。"),
]

# Working days the assigned unit has to handle (核处) a warning, per level.
HANDLING_DAYS = [("red", 3), ("yellow", 5)]


def load_rules(get_model, app_label="wage_warnings"):
    """Create the missing rules and handling time limits (idempotent; existing rows are left as they are)."""
    Rule = get_model(app_label, "Rule")
    HandlingPolicy = get_model(app_label, "HandlingPolicy")
    for code, name, level, parameters, description in RULES:
        Rule.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parameters": parameters,
                                                        "description": description, "is_active": True})
    for level, days in HANDLING_DAYS:
        HandlingPolicy.objects.get_or_create(level=level, defaults={"working_days": days})
