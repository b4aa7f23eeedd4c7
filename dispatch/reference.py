"""Reference data: the city coordinating office, the 11 districts (GB/T 2260) and 18 sector departments."""

CITY = ("150900", "乌兰察布市", "乌兰察布市人力资源和社会保障局维权服务中心")

DISTRICTS = [
    ("150902", "集宁区"),
    ("150921", "卓资县"),
    ("150922", "化德县"),
    ("150923", "商都县"),
    ("150924", "兴和县"),
    ("150925", "凉城县"),
    ("150926", "察哈尔右翼前旗"),
    ("150927", "察哈尔右翼中旗"),
    ("150928", "察哈尔右翼后旗"),
    ("150929", "四子王旗"),
    ("150981", "丰镇市"),
]

DEPARTMENTS = [
    ("housing", "住房和城乡建设局"),
    ("transport", "交通运输局"),
    ("water", "水利局"),
    ("energy", "能源局"),
    ("development", "发展和改革委员会"),
    ("industry", "工业和信息化局"),
    ("natural_resources", "自然资源局"),
    ("agriculture", "农牧局"),
    ("forestry", "林业和草原局"),
    ("market", "市场监督管理局"),
    ("culture_tourism", "文化旅游体育局"),
    ("sasac", "国有资产监督管理委员会"),
    ("commerce", "商务局"),
    ("education", "教育局"),
    ("health", "卫生健康委员会"),
    ("urban_management", "城市管理综合执法局"),
    ("finance", "财政局"),
    ("ecology", "生态环境局"),
]


def unit_rows():
    """(code, name, full_name, kind, sort_order) for every unit, in display order."""
    yield CITY[0], CITY[1], CITY[2], "city", 0
    for index, (code, name) in enumerate(DISTRICTS, start=1):
        yield code, name, f"乌兰察布市{name}", "district", 10 + index
    for index, (code, name) in enumerate(DEPARTMENTS, start=1):
        yield code, name, f"乌兰察布市{name}", "department", 100 + index


# DOMAIN.md deadlines in working days: claim 1, response 3, close 15 (red: close 5); re-transfer within 24 hours.
DEADLINE_DEFAULTS = {"blue": 15, "orange": 15, "red": 5}

# The escalation ladder (our interpretation of 四函一单): step, working days from the deadline, deadlines it
# applies to.
RULES = [
    ("warn", -1, "claim,response,close,retransfer"),
    ("reminder", 0, "claim,response,close,retransfer"),
    ("supervision", 2, "claim,response,close"),
    ("summons", 5, "claim,response,close"),
    ("referral", 10, "claim,close"),
]

LIST = (
    "{% for c in clues %}{{ forloop.counter }}. 线索 {{ c.tracking_code }}:{{ c.employer_name }},"
    "{{ c.worker_count }}人,{{ c.amount_owed }}元;{{ c.problem }}。\n{% endfor %}"
)

TEMPLATES = [
    ("reminder", "关于欠薪线索办理超期的提醒函",
     "{{ unit }}:\n    经乌兰·薪平台监测,贵单位承办的以下{{ count }}条欠薪线索已超过办理时限({{ step }}),"
     "请立即组织办理,并于1个工作日内在平台反馈进展。\n" + LIST +
     "    特此提醒。\n"),
    ("supervision", "关于欠薪线索办理的督办函",
     "{{ unit }}:\n    贵单位承办的以下{{ count }}条欠薪线索超期后仍未办结(问题清单附后)。"
     "根据“统一督办”工作机制,现予督办,请于3个工作日内办结并书面报告办理情况。\n" + LIST),
    ("summons", "关于约谈欠薪线索办理责任人的函",
     "{{ unit }}:\n    贵单位承办的以下{{ count }}条欠薪线索经督办仍未办结。"
     "请贵单位主要负责同志于接函后2个工作日内到市人力资源和社会保障局接受约谈,说明情况并提出整改措施。\n" + LIST),
    ("referral", "关于移交欠薪线索办理问题的函",
     "中共乌兰察布市委党委监督贯通协调平台:\n    {{ unit }}承办的以下{{ count }}条欠薪线索经提醒、督办、"
     "约谈仍未办结,存在认领不及时、处置进展慢等问题。现将问题清单移交,请督促跟进。\n" + LIST),
]


def load_units(get_model):
    Unit = get_model("dispatch", "Unit")
    for code, name, full_name, kind, sort_order in unit_rows():
        Unit.objects.get_or_create(code=code, defaults={
            "name": name, "full_name": full_name, "kind": kind, "sort_order": sort_order})


def load_deadline_policies(get_model):
    DeadlinePolicy = get_model("dispatch", "DeadlinePolicy")
    for color, close_days in DEADLINE_DEFAULTS.items():
        DeadlinePolicy.objects.get_or_create(risk_color=color, defaults={
            "claim_days": 1, "response_days": 3, "close_days": close_days, "retransfer_hours": 24})


def load_ladder(get_model):
    EscalationRule = get_model("dispatch", "EscalationRule")
    LetterTemplate = get_model("dispatch", "LetterTemplate")
    for step, offset, kinds in RULES:
        EscalationRule.objects.get_or_create(step=step, defaults={"offset_working_days": offset,
                                                                  "deadline_kinds": kinds})
    for kind, title, body in TEMPLATES:
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})


def ensure_reference_data():
    """Put the reference data back where a test flushed the tables (migrations load it on a real database)."""
    from django.apps import apps

    from accounts.roles import sync_role_permissions

    if apps.get_model("dispatch", "Unit").objects.exists():
        return
    load_units(apps.get_model)
    load_deadline_policies(apps.get_model)
    load_ladder(apps.get_model)
    sync_role_permissions()
