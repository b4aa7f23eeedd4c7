"""What else an account of a role is given when `manage.py add_staff` provisions it. The apps above accounts
register it here (accounts may not import them): projects names a 劳资专管员 on the projects given by --project."""

from .roles import Role

_assigners = {}


def register_assigner(role, assign):
    """`assign(user, values)` gives `user` the scope named by `values` (e.g. project codes); it raises ValueError
    with a Chinese message when a value is unknown."""
    _assigners[Role(role)] = assign


def assigner_for(role):
    return _assigners.get(Role(role))
