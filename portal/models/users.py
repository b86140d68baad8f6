"""Staff and assignee accounts."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import UTCDateTime, enum_column, utcnow
from .enums import Role
from .people import Person


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session identity: bumping it (deactivation, new password) ends every session.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The secret of the one link that may set this user's password (an invitation or a new
    # link from the admin); cleared once used, replaced by the next link.
    password_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # None: invited, and no password chosen yet.
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "<issuer> <subject>" of the identity provider's account this user signs in with, linked
    # at the first sign-in through the provider (services/provider_login.py).
    provider_subject: Mapped[str | None] = mapped_column(sa.String(512), unique=True)
    # The one admin account that may sign in with a password (and its second factor) while
    # admins must sign in at the identity provider: the way in when the provider is down.
    # At most one user has it (a partial unique index).
    break_glass: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The second factor (services/second_factor.py): the TOTP secret (base32), sealed with
    # Fernet (portal/secret_box.py, about 140 characters), never in clear; when the first code
    # from the app was accepted; the last accepted time step, so no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    __table_args__ = (
        sa.Index(
            "uq_users_one_break_glass",
            "break_glass",
            unique=True,
            sqlite_where=sa.text("break_glass"),
            postgresql_where=sa.text("break_glass"),
        ),
    )

    person: Mapped[Person | None] = relationship()
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)
        self.password_set_at = utcnow()

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    # Flask-Login: the session stores "<id>:<session_version>", so a bump logs the user out.
    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @property
    def is_invited(self):
        """Invited, and no password chosen yet."""
        return self.password_set_at is None

    @property
    def has_second_factor(self):
        return self.totp_enabled_at is not None

    @property
    def is_staff(self):
        return self.role in (Role.ADMIN, Role.SECRETARIAT)


class RecoveryCode(db.Model):
    """A one-shot code that stands in for the app's code (a lost phone). Only its hash is kept;
    the code itself is shown once, at enrolment."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class SignInRule(db.Model):
    """Per role, set by an admin: whether its users must sign in at the municipality's identity
    provider, their portal password refused (services/accounts.py). One row per role."""

    __tablename__ = "sign_in_rules"

    role: Mapped[Role] = mapped_column(enum_column(Role, "sign_in_rule_role"), primary_key=True)
    provider_only: Mapped[bool] = mapped_column(default=False)
