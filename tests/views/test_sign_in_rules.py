"""An admin requires sign-in through the municipality's identity provider per role: that role's
portal passwords are refused (and no forgotten-password link is sent), while one break-glass
admin keeps a password for when the provider is down, every use of it audited."""

from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, SignInRule, User
from portal.models.enums import Role
from portal.services import accounts, second_factor, sign_in_rules
from portal.services.mail import outbox
from tests.browser_form import browser_form
from tests.factories import PASSWORD, mails, make_user

RULES = "/admin/log-ind"


@pytest.fixture
def configured(app, monkeypatch):
    """The provider set up (password sign-in never asks it anything)."""
    monkeypatch.setitem(app.config, "OIDC_DISCOVERY_URL", "https://login.example.org/.well-known")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "vink")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", "hemmelig")


def _log_in(client, user):
    return client.post_form("/log-ind", {"email": user.email, "password": PASSWORD})


def _error(response):
    text = response.get_data(as_text=True)
    return text[text.index('data-module="error-summary"') :].split("</ul>")[0]


def _actions():
    return [entry.action for entry in db.session.scalars(db.select(AuditEntry).order_by("id"))]


def test_an_admin_requires_the_provider_for_the_secretariat_and_its_passwords_stop_working(
    app, configured, security_log
):
    admin = make_user(role=Role.ADMIN)
    secretary = make_user(role=Role.SECRETARIAT)
    ambassador = make_user(role=Role.ASSIGNEE)
    db.session.commit()
    client = app.test_client()
    assert _log_in(client, admin).status_code == 302

    form = browser_form(client, RULES, action=RULES)
    saved = form.fill(provider_only=["secretariat"]).submit("Gem")
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert sign_in_rules.provider_only_roles() == {Role.SECRETARIAT}
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "sign_in.rules_changed")
    ).one()
    assert (entry.before, entry.after) == (
        {"provider_only": [], "break_glass": None},
        {"provider_only": ["secretariat"], "break_glass": None},
    )
    page = client.get("/admin/log?handling=sign_in.rules_changed").get_data(as_text=True)
    assert "Regler for log ind ændret" in page and "Sekretariatet" in page
    assert "Regler for log ind 0" not in page  # the rules are one thing, with no number

    refused = _log_in(app.test_client(), secretary)
    assert refused.status_code == 422
    security_log(refused, "login.refused", "reason=provider_required", f"user_id={secretary.id}")
    text = refused.get_data(as_text=True)
    assert (
        "E-mail eller adgangskode er forkert. Logger du ind med din arbejdskonto, så brug "
        "knappen »Log ind med Københavns Kommune« nedenfor."
    ) in text
    assert 'href="/log-ind/kommune"' in text
    # The right password is not confirmed: a wrong one gets the very same page.
    wrong = app.test_client().post_form(
        "/log-ind", {"email": secretary.email, "password": "forkert-adgangskode"}
    )
    assert _error(wrong) == _error(refused)
    assert _log_in(app.test_client(), ambassador).status_code == 302  # other roles as before

    # No way round it by mail either: no link to a new password is sent.
    app.test_client().post_form("/glemt-adgangskode", {"email": secretary.email})
    sent = []
    outbox.deliver_due(backend=lambda message, _config: sent.append(message))
    assert sent == []

    # Unticked again, the password works again.
    browser_form(client, RULES, action=RULES).fill(provider_only=[]).submit("Gem")
    assert sign_in_rules.provider_only_roles() == set()
    assert _log_in(app.test_client(), secretary).status_code == 302


def test_admins_are_required_only_with_a_break_glass_admin_whose_every_use_is_audited(
    app, configured
):
    admin = make_user(role=Role.ADMIN, name="Ada Admin")
    glass = make_user(role=Role.ADMIN, name="Nødadgang", email="noedadgang@kk.dk")
    db.session.commit()
    client = app.test_client()
    _log_in(client, admin)

    refused = browser_form(client, RULES, action=RULES).fill(provider_only=["admin"]).submit("Gem")
    assert refused.status_code == 422
    assert "Vælg en administrator til nødadgang" in refused.get_data(as_text=True)
    assert sign_in_rules.provider_only_roles() == set()  # nothing stored

    form = browser_form(client, RULES, action=RULES).fill(
        provider_only=["admin"], break_glass=str(glass.id)
    )
    assert form.submit("Gem").status_code == 302
    db.session.expire_all()
    assert sign_in_rules.break_glass_user() == glass

    # Ada's own password session ended with the rule: she signs in at the provider now.
    assert client.get("/admin/").status_code == 302
    assert _log_in(app.test_client(), admin).status_code == 422
    client = app.test_client()
    assert _log_in(client, glass).status_code == 302
    assert _actions().count("user.break_glass_used") == 1
    # The page shows who it is, and that it has no second factor yet.
    page = client.get(RULES).get_data(as_text=True)
    assert "Nødadgangen (Nødadgang) har ikke sat totrinsbekræftelse op endnu." in page
    # Admins sign in with passwords again; the break-glass account, deactivated, is told of.
    sign_in_rules.set_rules(by=admin, provider_only=set(), break_glass=glass)
    glass.active = False
    db.session.commit()
    client = app.test_client()
    _log_in(client, admin)
    page = client.get(RULES).get_data(as_text=True)
    assert "Nødadgangen (Nødadgang) er deaktiveret og kan ikke logge ind. Vælg en anden." in page


def test_only_an_active_admin_can_be_the_break_glass_account_and_only_one(app, configured):
    admin = make_user(role=Role.ADMIN)
    secretary = make_user(role=Role.SECRETARIAT)
    first, second = make_user(role=Role.ADMIN), make_user(role=Role.ADMIN)
    db.session.commit()
    with pytest.raises(sign_in_rules.SignInRuleError):
        sign_in_rules.set_rules(by=admin, provider_only=set(), break_glass=secretary)
    sign_in_rules.set_rules(by=admin, provider_only={Role.ADMIN}, break_glass=first)
    sign_in_rules.set_rules(by=admin, provider_only={Role.ADMIN}, break_glass=second)
    db.session.commit()
    assert db.session.scalars(db.select(User.id).where(User.break_glass)).all() == [second.id]
    # The database holds to one, whatever a service forgets.
    first.break_glass = True
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_break_glass_admin_keeps_the_role_while_admins_are_required_and_loses_it_after(
    app, configured
):
    admin = make_user(role=Role.ADMIN)
    glass = make_user(role=Role.ADMIN)
    sign_in_rules.set_rules(by=admin, provider_only={Role.ADMIN}, break_glass=glass)
    for step_down in (
        lambda: accounts.change_role(glass, role=Role.SECRETARIAT, person=None, by=admin),
        lambda: accounts.deactivate_user(glass, by=admin),
    ):
        with pytest.raises(sign_in_rules.SignInRuleError, match="er nødadgangen"):
            step_down()
    # Admins no longer required: the role can change, and the flag goes with it for good.
    sign_in_rules.set_rules(by=admin, provider_only={Role.SECRETARIAT}, break_glass=glass)
    accounts.change_role(glass, role=Role.SECRETARIAT, person=None, by=admin)
    accounts.change_role(glass, role=Role.ADMIN, person=None, by=admin)
    db.session.commit()
    assert glass.break_glass is False
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.role_changed").order_by("id")
    ).first()
    assert (entry.before["break_glass"], entry.after["break_glass"]) == (True, False)


def test_the_break_glass_account_is_one_of_its_own_with_a_second_factor_where_one_is_required(
    app, configured, monkeypatch
):
    admin = make_user(role=Role.ADMIN)
    linked = make_user(role=Role.ADMIN, name="Lise Linket", provider_subject="iss lise")
    with pytest.raises(sign_in_rules.SignInRuleError, match="logger ind med sin arbejdskonto"):
        sign_in_rules.set_rules(by=admin, provider_only={Role.ADMIN}, break_glass=linked)
    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)
    plain = make_user(role=Role.ADMIN, name="Nødadgang")
    with pytest.raises(sign_in_rules.SignInRuleError, match="ikke sat totrinsbekræftelse op"):
        sign_in_rules.set_rules(by=admin, provider_only={Role.ADMIN}, break_glass=plain)
    assert sign_in_rules.break_glass_user() is None


def _with_second_factor(user):
    """`user` with the app set up; the next code the app will show (not the one just used)."""
    secret = second_factor.start_enrolment(user)
    second_factor.enrol(user, pyotp.TOTP(secret).now())
    db.session.commit()
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30))


def _code_step(client):
    return browser_form(client, "/log-ind/kode", action="/log-ind/kode")


def test_a_break_glass_sign_in_is_audited_once_the_code_is_given_not_at_the_password(
    app, configured, security_log
):
    admin = make_user(role=Role.ADMIN)
    glass = make_user(role=Role.ADMIN)
    next_code = _with_second_factor(glass)
    sign_in_rules.set_rules(by=admin, provider_only={Role.ADMIN}, break_glass=glass)
    db.session.commit()
    client = app.test_client()
    assert _log_in(client, glass).location.endswith("/log-ind/kode")
    assert "user.break_glass_used" not in _actions()
    signed_in = _code_step(client).fill(code=next_code).submit()
    assert signed_in.status_code == 302
    assert _actions().count("user.break_glass_used") == 1
    security_log(signed_in, "login.break_glass", f"user_id={glass.id}")


def test_a_password_sign_in_waiting_for_its_code_ends_when_the_provider_is_required(
    app, configured
):
    admin = make_user(role=Role.ADMIN)
    secretary = make_user(role=Role.SECRETARIAT)
    next_code = _with_second_factor(secretary)
    client = app.test_client()
    assert _log_in(client, secretary).location.endswith("/log-ind/kode")
    form = _code_step(client)
    sign_in_rules.set_rules(by=admin, provider_only={Role.SECRETARIAT}, break_glass=None)
    db.session.commit()
    answer = form.fill(code=next_code).submit()
    assert answer.location.endswith("/log-ind")  # back to the start, no session
    assert client.get("/sekretariat/").status_code == 302


def test_no_role_can_be_required_while_no_provider_is_set_up(app, login):
    client = app.test_client()
    login(client, Role.ADMIN)
    page = client.get(RULES).get_data(as_text=True)
    assert "Kommunens login er ikke sat op på denne server" in page
    form = browser_form(client, RULES, action=RULES)
    boxes = [el for el in form.element.iter("input") if el.get("name") == "provider_only"]
    assert boxes and all(box.get("disabled") is not None for box in boxes)  # none can be ticked
    # Posted anyway (no page offers it): refused by the rule itself.
    refused = form.tamper("provider_only", "secretariat").submit("Gem")
    assert refused.status_code == 422
    assert "Ingen rolle kan kræve det, før det er." in refused.get_data(as_text=True)
    assert db.session.scalars(db.select(SignInRule)).all() == []


def test_while_the_provider_is_switched_off_everyone_signs_in_with_a_password(
    app, configured, monkeypatch
):
    admin = make_user(role=Role.ADMIN)
    secretary = make_user(role=Role.SECRETARIAT)
    sign_in_rules.set_rules(by=admin, provider_only={Role.SECRETARIAT}, break_glass=None)
    db.session.commit()
    monkeypatch.setitem(app.config, "OIDC_DISCOVERY_URL", "")
    assert _log_in(app.test_client(), secretary).status_code == 302


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ASSIGNEE])
def test_only_admins_see_the_rules(as_role, role):
    assert as_role(role).get(RULES).status_code == 403


def test_someone_invited_into_a_role_that_signs_in_at_the_provider_is_told_where_to_sign_in(
    app, configured
):
    admin = make_user(role=Role.ADMIN)
    sign_in_rules.set_rules(by=admin, provider_only={Role.SECRETARIAT}, break_glass=None)
    db.session.commit()
    client = app.test_client()
    _log_in(client, admin)
    form = browser_form(client, "/admin/brugere/ny", action="/admin/brugere/ny")
    form.fill(name="Sara Holm", email="sara@kk.dk", role="secretariat")
    assert form.submit().status_code == 302
    [invitation] = mails("user_invitation_provider")
    assert mails("user_invitation") == []
    assert "/adgangskode/" not in invitation.body_text  # no password that would not work
    assert "vælg »Log ind med Københavns Kommune«" in invitation.body_text
    assert invitation.body_text.count("/log-ind\n") == 1  # the login page, no signed link

    sara = db.session.scalars(db.select(User).where(User.email == "sara@kk.dk")).one()
    page = client.get(f"/admin/brugere/{sara.id}").get_data(as_text=True)
    assert "Inviteret, har ikke logget ind endnu" in page
    assert "Via kommunens login" in page
    assert "Send et nyt link" not in page
    # Sent anyway (an old page, another tab): refused, and no link goes out.
    refused = client.post_form(f"/admin/brugere/{sara.id}/nyt-link")
    assert refused.status_code == 409
    assert "logger ind via kommunens login" in refused.get_data(as_text=True)
    assert mails("user_invitation") == mails("user_password_link") == []
