"""Reference data of 统一督办: the ladder's default rungs and the default wording of each letter."""

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


def load_ladder(get_model, app_label="supervision"):
    EscalationRule = get_model(app_label, "EscalationRule")
    LetterTemplate = get_model(app_label, "LetterTemplate")
    for step, offset, kinds in RULES:
        EscalationRule.objects.get_or_create(step=step, defaults={"offset_working_days": offset,
                                                                  "deadline_kinds": kinds})
    for kind, title, body in TEMPLATES:
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})
