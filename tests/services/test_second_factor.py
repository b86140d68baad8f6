"""The second factor: codes from an app (once each, within their window), recovery codes (once),
enrolment and an admin's reset, audited."""

from datetime import timedelta

import pyotp
import pytest

from portal import clock
from portal.config import production_problems
from portal.extensions import db
from portal.models import AuditEntry, RecoveryCode, User
from portal.models.enums import Role
from portal.services import second_factor
from tests.factories import make_user


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
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(user, code, at=later + timedelta(seconds=5))


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
    svg = second_factor.qr_svg(uri, title="QR")
    assert svg.startswith("<svg") and "<title>QR</title>" in svg
    assert second_factor.secret_in_groups("ABCDEFGHIJ") == "ABCD EFGH IJ"
