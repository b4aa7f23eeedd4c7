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


def load_units(get_model, app_label="units"):
    """Create the missing units (idempotent). Migrations pass their historical `get_model` and app label."""
    Unit = get_model(app_label, "Unit")
    for code, name, full_name, kind, sort_order in unit_rows():
        Unit.objects.get_or_create(code=code, defaults={
            "name": name, "full_name": full_name, "kind": kind, "sort_order": sort_order})
