"""Reference data of the clue clocks: DOMAIN.md's deadline policies per risk colour."""

# DOMAIN.md deadlines in working days: claim 1, response 3, close 15 (red: close 5); re-transfer within 24 hours.
DEADLINE_DEFAULTS = {"blue": 15, "orange": 15, "red": 5}

def load_deadline_policies(get_model, app_label="clues"):
    DeadlinePolicy = get_model(app_label, "DeadlinePolicy")
    for color, close_days in DEADLINE_DEFAULTS.items():
        DeadlinePolicy.objects.get_or_create(risk_color=color, defaults={
            "claim_days": 1, "response_days": 3, "close_days": close_days, "retransfer_hours": 24})
