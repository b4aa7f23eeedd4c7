"""`unread_notice_count` for the staff navigation; counted only when a template uses it."""

from .selectors import unread_notice_count as count_unread


def unread_notice_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notice_count": 0}
    cache = {}

    def count():
        # A template calls this each time it names the variable; count once per request.
        if "n" not in cache:
            cache["n"] = count_unread(user)
        return cache["n"]

    return {"unread_notice_count": count}
