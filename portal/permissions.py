"""Who may do what: the role guard for whole blueprints, and small can_<verb> predicates."""

from flask import abort
from flask_login import current_user

from .extensions import login_manager
from .models.enums import Role

STAFF = (Role.ADMIN, Role.SECRETARIAT)


def require_roles(*roles):
    """A `before_request` guard for a blueprint: anonymous -> login page, wrong role -> 403."""
    allowed = frozenset(roles)

    def guard():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in allowed:
            abort(403)
        return None

    return guard


def can_edit_reference_data(user):
    """Targets, budget lines, fees and support-course kinds are the admin's."""
    return user.is_authenticated and user.role == Role.ADMIN


def home_endpoint(user):
    """Where a user lands after logging in."""
    return {
        Role.ADMIN: "admin.index",
        Role.SECRETARIAT: "secretariat.index",
        Role.ASSIGNEE: "assignee.index",
    }[user.role]
