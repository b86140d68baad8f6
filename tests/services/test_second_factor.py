"""The second factor: codes from an app (once each, within their window), recovery codes (once),
enrolment and an admin's reset, audited."""

from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask import current_app

from portal import clock, qr, secret_box
from portal.config import production_problems
from portal.extensions import db
from portal.models import AuditEntry, RecoveryCode, User
from portal.models.enums import Role
from portal.services import second_factor
from tests.factories import mails, make_user


def _enrolled(role=Role.SECRETARIAT):
    user = make_user(role=role)
    secret = second_factor.start_enrolment(user)
    codes = second_factor.enrol(user, pyotp.TOTP(secret).now())
    db.session.commit()
    return user, secret, codes


def _actions(user):
    return db.session.scalars(
        db.select(AuditEntry.action)
        .where(AuditEntry.object_type == "users", AuditEntry.object_id == user.id)
        .order_by(AuditEntry.id)
    ).all()


def test_enrol_needs_the_apps_code_and_is_audited():
    user = make_user()
    secret = second_factor.start_enrolment(user)
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.enrol(user, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert not user.has_second_factor
    codes = second_factor.enrol(user, pyotp.TOTP(secret).now())
    db.session.commit()
    user = db.session.get(User, user.id)
    assert user.has_second_factor
    assert len(codes) == len(set(codes)) == second_factor.RECOVERY_CODE_COUNT
    stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert _actions(user) == ["user.second_factor_enrolled"]


def test_start_enrolment_keeps_the_waiting_secret_so_a_reload_shows_the_same_qr_code():
    user = make_user()
    assert second_factor.start_enrolment(user) == second_factor.start_enrolment(user)


def test_verify_accepts_the_current_code_and_audits_its_use():
    user, secret, _codes = _enrolled()
    travel_step = clock.now() + timedelta(seconds=90)
    assert second_factor.verify(user, pyotp.TOTP(secret).at(travel_step), at=travel_step) == "totp"
    assert _actions(user)[-1] == "user.second_factor_used"


def test_verify_refuses_a_code_used_before_within_its_window():
    user, secret, _codes = _enrolled()
    later = clock.now() + timedelta(minutes=2)
    code = pyotp.TOTP(secret).at(later)
    second_factor.verify(user, code, at=later)
    # Said as it is: the next code is seconds away (not "the code is wrong").
    with pytest.raises(second_factor.SecondFactorError, match=r"allerede brugt.*vent"):
        second_factor.verify(user, code, at=later + timedelta(seconds=5))
    with pytest.raises(second_factor.SecondFactorError, match="passer ikke"):
        second_factor.verify(user, "000000" if code != "000000" else "111111", at=later)


def test_verify_refuses_an_earlier_step_than_the_last_accepted():
    user, secret, _codes = _enrolled()
    later = clock.now() + timedelta(minutes=2)
    second_factor.verify(user, pyotp.TOTP(secret).at(later), at=later)
    # The previous step's code is inside the window, but before the one accepted.
    earlier_code = pyotp.TOTP(secret).at(later - timedelta(seconds=30))
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(user, earlier_code, at=later)


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-30, True), (30, True), (-65, False), (65, False)]
)
def test_verify_accepts_one_step_either_side_and_no_more(offset, accepted):
    user, secret, _codes = _enrolled()
    at = clock.now() + timedelta(minutes=5)
    at = at.replace(second=15, microsecond=0)  # mid-step: the window is whole steps
    code = pyotp.TOTP(secret).at(at + timedelta(seconds=offset))
    if accepted:
        assert second_factor.verify(user, code, at=at) == "totp"
    else:
        with pytest.raises(second_factor.SecondFactorError):
            second_factor.verify(user, code, at=at)


def test_a_recovery_code_works_once_and_in_any_spelling():
    user, _secret, codes = _enrolled()
    assert second_factor.verify(user, " " + codes[0].upper() + " ") == "recovery_code"
    assert second_factor.recovery_codes_left(user) == 9
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(user, codes[0])
    assert second_factor.verify(user, codes[1].replace("-", "")) == "recovery_code"


def _taken_meanwhile(update):
    """What another request at the same moment wrote, behind this request's back (its copy
    of the row does not see it)."""
    db.session.execute(update.execution_options(synchronize_session=False))


def test_a_code_another_request_took_at_the_same_moment_is_refused():
    user, secret, _codes = _enrolled()
    later = clock.now() + timedelta(minutes=2)
    step = pyotp.TOTP(secret).timecode(later)
    _taken_meanwhile(db.update(User).where(User.id == user.id).values(totp_last_step=step))
    assert user.totp_last_step != step  # this request's copy still lets the code pass
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(user, pyotp.TOTP(secret).at(later), at=later)


def test_a_recovery_code_another_request_took_at_the_same_moment_is_refused():
    user, _secret, codes = _enrolled()
    second_factor.recovery_codes_left(user)  # this request has read the codes, all unused
    _taken_meanwhile(db.update(RecoveryCode).values(used_at=clock.now()))
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(user, codes[0])


def test_verify_refuses_a_user_without_a_second_factor():
    user = make_user()
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(user, "123456")


def test_reset_by_an_admin_clears_everything_and_is_audited():
    admin = make_user(role=Role.ADMIN)
    user, _secret, _codes = _enrolled()
    second_factor.reset(user, by=admin)
    db.session.commit()
    user = db.session.get(User, user.id)
    assert (user.totp_secret, user.totp_enabled_at, user.totp_last_step) == (None, None, None)
    assert db.session.scalar(db.select(db.func.count(RecoveryCode.id))) == 0
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.second_factor_reset")
    ).one()
    assert (entry.actor_id, entry.object_id) == (admin.id, user.id)
    assert user.session_version == 2  # every open session of hers is over


@pytest.mark.parametrize(
    ("role", "must"), [(Role.ADMIN, True), (Role.SECRETARIAT, True), (Role.ASSIGNEE, False)]
)
def test_admins_and_the_secretariat_must_have_one_where_the_config_requires(app, role, must):
    user = make_user(role=role)
    assert not second_factor.required(user)  # the tests' (development) configuration
    app.config["REQUIRE_SECOND_FACTOR"] = True
    try:
        assert second_factor.required(user) is must
    finally:
        app.config["REQUIRE_SECOND_FACTOR"] = False


def test_production_cannot_switch_the_second_factor_off(app):
    config = {
        **app.config,
        "ENV_NAME": "production",
        "TESTING": False,
        "REQUIRE_SECOND_FACTOR": False,
    }
    assert any("REQUIRE_SECOND_FACTOR" in problem for problem in production_problems(config, False))
    config["REQUIRE_SECOND_FACTOR"] = True
    assert not any("REQUIRE_SECOND_FACTOR" in p for p in production_problems(config, False))


def test_the_qr_code_is_inline_svg_of_the_provisioning_uri():
    user = make_user(email="kim@example.org")
    secret = second_factor.start_enrolment(user)
    uri = second_factor.provisioning_uri(user, secret)
    assert uri.startswith("otpauth://totp/VINK:kim%40example.org?secret=" + secret)
    assert "issuer=VINK" in uri
    svg = qr.qr_svg(uri, title="QR")
    assert svg.startswith("<svg") and "<title>QR</title>" in svg
    assert second_factor.secret_in_groups("ABCDEFGHIJ") == "ABCD EFGH IJ"


# --- the secret sealed at rest ------------------------------------------------------------------


def _stored_secret(user):
    """The column as the database holds it, read past the ORM."""
    return db.session.execute(
        sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user.id}
    ).scalar()


def test_the_database_column_holds_the_secret_sealed_never_in_clear():
    user = make_user()
    secret = second_factor.start_enrolment(user)
    db.session.commit()
    stored = _stored_secret(user)
    assert secret not in stored and secret.lower() not in stored.lower()
    assert stored.startswith("gAAAA")  # a Fernet token
    assert len(stored) <= User.totp_secret.type.length
    assert secret_box.open_sealed(current_app.config, stored) == secret
    # And it is the secret the app is set up from: its code puts it in force.
    second_factor.enrol(user, pyotp.TOTP(secret).now())
    db.session.commit()
    assert secret not in _stored_secret(user)


def test_a_secret_sealed_with_the_key_derived_from_secret_key_opens_once_a_key_is_set(
    app, monkeypatch
):
    user = make_user()
    secret = second_factor.start_enrolment(user)
    db.session.commit()
    monkeypatch.setitem(app.config, "SECOND_FACTOR_KEY", Fernet.generate_key().decode())
    assert second_factor.pending_secret(user) == secret
    sealed_now = secret_box.seal(app.config, "ABCD")
    # Sealed with the set key: SECRET_KEY alone no longer opens it.
    alone = {"SECRET_KEY": app.config["SECRET_KEY"], "SECOND_FACTOR_KEY": ""}
    with pytest.raises(secret_box.InvalidToken):
        secret_box.open_sealed(alone, sealed_now)


def test_a_secret_no_key_of_this_server_opens_is_refused_in_words_and_set_up_starts_anew(
    app, monkeypatch
):
    """SECRET_KEY changed without the old one kept: no 500, but a refusal that says what to
    do; a recovery code still works, and a set-up waiting for its first code starts over."""
    user, secret, codes = _enrolled()
    waiting = make_user()
    second_factor.start_enrolment(waiting)
    db.session.commit()
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key-of-at-least-32-bytes")
    with pytest.raises(second_factor.SecretUnreadable, match="nulstille"):
        second_factor.verify(user, pyotp.TOTP(secret).now())
    assert second_factor.verify(user, codes[0]) == "recovery_code"
    assert second_factor.pending_secret(waiting) is None
    fresh = second_factor.start_enrolment(waiting)
    assert second_factor.pending_secret(waiting) == fresh


def test_of_two_confirmations_of_the_set_up_at_once_only_one_wins():
    user = make_user()
    secret = second_factor.start_enrolment(user)
    db.session.commit()
    code = pyotp.TOTP(secret).now()
    # The other request confirmed it after this one read the user.
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(totp_enabled_at=clock.now())
        .execution_options(synchronize_session=False)  # this request still sees none
    )
    assert not user.has_second_factor
    with pytest.raises(second_factor.AlreadyEnrolled):
        second_factor.enrol(user, code)
    assert db.session.scalar(sa.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_production_refuses_a_second_factor_key_that_is_not_a_fernet_key(app):
    config = {**app.config, "ENV_NAME": "production", "TESTING": False}
    config["SECOND_FACTOR_KEY"] = "not-a-key"
    assert any("SECOND_FACTOR_KEY" in p for p in production_problems(config, False))
    config["SECOND_FACTOR_KEY"] = Fernet.generate_key().decode()
    assert not any("SECOND_FACTOR_KEY" in p for p in production_problems(config, False))


def test_pending_secret_only_reads():
    user = make_user()
    assert second_factor.pending_secret(user) is None
    assert user.totp_secret is None
    secret = second_factor.start_enrolment(user)
    assert second_factor.pending_secret(user) == secret


# --- the user's own changes, and mail about each -----------------------------------------------


def _later(minutes=2):
    return clock.now() + timedelta(minutes=minutes)


def test_renew_recovery_codes_needs_the_apps_code_and_the_old_codes_stop_working():
    user, secret, old = _enrolled()
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.renew_recovery_codes(user, old[0])  # a recovery code will not do
    at = _later()
    new = second_factor.renew_recovery_codes(user, pyotp.TOTP(secret).at(at), at=at, locale="en")
    db.session.commit()
    assert len(new) == second_factor.RECOVERY_CODE_COUNT and not set(new) & set(old)
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(user, old[1])
    assert second_factor.verify(user, new[1]) == "recovery_code"
    assert "user.recovery_codes_renewed" in _actions(user)
    [sent] = mails("user_recovery_codes_renewed")
    assert sent.to_address == user.email and "recovery codes" in sent.body_text
    for code in (*old, *new):
        assert code not in sent.body_text
    # The code's step is used: the same code does not renew them again.
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.renew_recovery_codes(user, pyotp.TOTP(secret).at(at), at=at)


def test_an_assignee_turns_it_off_with_the_apps_code_and_is_told():
    user, secret, _codes = _enrolled(role=Role.ASSIGNEE)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.turn_off(user, wrong)
    assert user.has_second_factor
    second_factor.turn_off(user, pyotp.TOTP(secret).at(_later()), at=_later())
    db.session.commit()
    user = db.session.get(User, user.id)
    assert (user.totp_secret, user.totp_enabled_at, user.totp_last_step) == (None, None, None)
    assert db.session.scalar(db.select(db.func.count(RecoveryCode.id))) == 0
    assert _actions(user)[-1] == "user.second_factor_disabled"
    [sent] = mails("user_second_factor_disabled")
    assert sent.to_address == user.email and "Var det ikke dig" in sent.body_text


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECRETARIAT])
def test_where_it_is_required_it_cannot_be_turned_off(app, role):
    user, secret, _codes = _enrolled(role=role)
    app.config["REQUIRE_SECOND_FACTOR"] = True
    try:
        assert not second_factor.may_turn_off(user)
        with pytest.raises(second_factor.SecondFactorError, match="påkrævet"):
            second_factor.turn_off(user, pyotp.TOTP(secret).at(_later()), at=_later())
    finally:
        app.config["REQUIRE_SECOND_FACTOR"] = False
    assert user.has_second_factor and mails("user_second_factor_disabled") == []
    # Without the requirement (development), staff may.
    assert second_factor.may_turn_off(user)


def test_enrolment_and_an_admins_reset_are_mailed_to_the_user_without_codes_or_secret():
    admin = make_user(role=Role.ADMIN)
    user, secret, codes = _enrolled()
    [enrolled] = mails("user_second_factor_enrolled")
    assert enrolled.to_address == user.email
    second_factor.reset(user, by=admin, locale="da")
    [reset] = mails("user_second_factor_reset")
    assert reset.to_address == user.email and "administrator" in reset.body_text
    for message in (enrolled, reset):
        text = message.subject + message.body_text
        assert secret not in text and not any(code in text for code in codes)
