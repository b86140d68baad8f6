"""The second factor at login, its set-up and an admin's reset, sent as a browser sends the
forms. Production requires it of admins and the secretariat (REQUIRE_SECOND_FACTOR); the tests'
(development) configuration does not, so the other tests log in with a password alone."""

import html as html_text
import re
from datetime import timedelta

import pyotp
import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, User
from portal.models.enums import Role
from portal.services import accounts, second_factor
from tests.browser_form import browser_form
from tests.factories import PASSWORD, mails, make_user
from tests.views.test_routes import AUDIENCES, _method, _sample_url
from tests.views.test_valid_html import checker_missing, nu_errors, write_page

CODE_PAGE = "/log-ind/kode"
ENROL_PAGE = "/konto/totrinsbekraeftelse"
START = ENROL_PAGE + "/start"
RENEW = ENROL_PAGE + "/nye-koder"
TURN_OFF = ENROL_PAGE + "/slaa-fra"
WRONG = "Koden passer ikke."


@pytest.fixture
def production(app, monkeypatch):
    """Admins and the secretariat must have a second factor, as in production."""
    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)


def _log_in(client, email, next_page=None):
    page = "/log-ind" + (f"?next={next_page}" if next_page else "")
    form = browser_form(client, page, action="/log-ind")
    return form.fill(email=email, password=PASSWORD).submit()


def _give_code(client, code):
    return browser_form(client, CODE_PAGE).fill(code=code).submit()


def _enrolled_user(role=Role.SECRETARIAT, **overrides):
    """A user whose app was set up five minutes ago; returns (user, TOTP, recovery codes)."""
    user = make_user(role=role, **overrides)
    secret = second_factor.start_enrolment(user)
    earlier = clock.now() - timedelta(minutes=5)
    codes = second_factor.enrol(user, pyotp.TOTP(secret).at(earlier), at=earlier)
    db.session.commit()
    return user, pyotp.TOTP(secret), codes


def _start(client, page=ENROL_PAGE):
    """Press "Start opsætning"; returns the page it leads to (the QR code)."""
    response = browser_form(client, page, action=START).submit()
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def _secret_on_page(html):
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def _staff_rules(app):
    staff = {name for name, roles in AUDIENCES.items() if Role.ADMIN in roles}
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in staff and rule.endpoint != "static"
    ]


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECRETARIAT])
def test_in_production_a_staff_user_with_only_a_password_reaches_no_staff_page_until_enrolled(
    app, client, role
):
    user = make_user(role=role)
    response = _log_in(client, user.email)
    assert response.status_code == 302
    for rule in _staff_rules(app):
        response = client.open(
            _sample_url(rule),
            method=_method(rule),
            data={"csrf_token": client.csrf_token(ENROL_PAGE)},
        )
        assert response.status_code == 302, rule.endpoint
        assert response.headers["Location"].startswith(ENROL_PAGE), rule.endpoint

    # Set up from the page: the secret typed from its text, the app's code confirmed.
    page = _start(client, ENROL_PAGE + "?next=/sekretariat/indbakke")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html
    totp = pyotp.TOTP(_secret_on_page(html))
    # On a phone, a link opens the key in its app (the QR code is on its own screen).
    link = html_text.unescape(re.search(r'href="(otpauth://[^"]+)"', html).group(1))
    assert pyotp.parse_uri(link).secret == totp.secret
    form = browser_form(client, ENROL_PAGE + "?next=/sekretariat/indbakke", action=ENROL_PAGE)
    done = form.fill(code=totp.now()).submit()
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Gem koderne nu" in text
    assert done.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r"<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>", text)) == 10
    assert 'href="/sekretariat/indbakke"' in text
    assert client.get("/sekretariat/indbakke").status_code == 200
    assert db.session.get(User, user.id).has_second_factor


@pytest.mark.usefixtures("production")
def test_in_production_the_login_page_has_no_word_of_logging_in_with_a_password_alone(client):
    assert "Udviklingsmiljø" not in client.get("/log-ind").get_data(as_text=True)


def test_in_development_staff_log_in_with_the_password_alone_and_the_page_says_production_does_not(
    client,
):
    page = client.get("/log-ind").get_data(as_text=True)
    assert "I produktion skal administratorer og sekretariatet også" in page
    admin = make_user(role=Role.ADMIN)
    _log_in(client, admin.email)
    assert client.get("/admin/").status_code == 200


def test_a_user_with_a_second_factor_is_asked_for_the_code_before_any_session(client):
    user, totp, _codes = _enrolled_user()
    response = _log_in(client, user.email, next_page="/sekretariat/indbakke")
    assert response.headers["Location"] == CODE_PAGE
    # The password alone opens nothing.
    assert client.get("/sekretariat/indbakke").headers["Location"].startswith("/log-ind?next=")
    page = client.get(CODE_PAGE)
    assert page.status_code == 200 and "Skriv koden fra din app" in page.get_data(as_text=True)
    response = _give_code(client, totp.now())
    assert response.status_code == 302
    assert response.headers["Location"] == "/sekretariat/indbakke"
    assert client.get("/sekretariat/indbakke").status_code == 200
    assert db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.action == "user.second_factor_used")
    ).all() == ["user.second_factor_used"]


def test_a_wrong_code_is_refused_with_422_and_opens_nothing(client):
    user, totp, _codes = _enrolled_user()
    _log_in(client, user.email)
    wrong = "000000" if totp.now() != "000000" else "111111"
    response = _give_code(client, wrong)
    assert response.status_code == 422
    assert WRONG in response.get_data(as_text=True)
    assert client.get("/sekretariat/indbakke").status_code == 302


def test_a_code_used_once_is_refused_the_second_time(client):
    user, totp, _codes = _enrolled_user()
    code = totp.now()
    _log_in(client, user.email)
    assert _give_code(client, code).status_code == 302
    client.post("/log-ud", data={"csrf_token": client.csrf_token()})
    _log_in(client, user.email)
    response = _give_code(client, code)
    assert response.status_code == 422
    assert "Den kode er allerede brugt. En kode virker kun én gang" in response.get_data(
        as_text=True
    )


def test_a_recovery_code_logs_in_once(client):
    user, _totp, codes = _enrolled_user()
    _log_in(client, user.email)
    response = _give_code(client, codes[3])
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "Du har 9 tilbage" in page.get_data(as_text=True)
    client.post("/log-ud", data={"csrf_token": client.csrf_token()})
    _log_in(client, user.email)
    assert _give_code(client, codes[3]).status_code == 422


def test_wrong_codes_are_rate_limited_per_account(client):
    user, _totp, _codes = _enrolled_user()
    _log_in(client, user.email)
    statuses = [_give_code(client, "abcde-fghij").status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]


def test_wrong_codes_are_counted_per_account_whatever_the_address_and_browser(app, security_log):
    user, _totp, _codes = _enrolled_user()
    other, other_totp, _codes = _enrolled_user()
    statuses = []
    for n in range(6):  # each try from another browser and another address
        client = app.test_client()
        _log_in(client, user.email)
        wrong = browser_form(client, CODE_PAGE).fill(code="abcde-fghij")
        answer = wrong.submit(environ_base={"REMOTE_ADDR": f"10.0.7.{n}"})
        statuses.append(answer.status_code)
        if answer.status_code == 422:
            security_log(answer, "login.second_factor_failed", f"user_id={user.id}")
    assert statuses == [422] * 5 + [429]
    security_log(answer, "rate_limit.hit", "path=/log-ind/kode")
    # Another account, from the last address, still has its tries.
    client = app.test_client()
    _log_in(client, other.email)
    right = browser_form(client, CODE_PAGE).fill(code=other_totp.now())
    assert right.submit(environ_base={"REMOTE_ADDR": "10.0.7.5"}).status_code == 302


def test_the_mark_of_a_right_password_lasts_five_minutes(client, travel):
    user, totp, _codes = _enrolled_user()
    _log_in(client, user.email)
    form = browser_form(client, CODE_PAGE)
    travel.shift(timedelta(minutes=5, seconds=5))
    response = form.fill(code=totp.now()).submit()
    assert response.status_code == 302
    assert response.headers["Location"] == "/log-ind"
    assert client.get("/sekretariat/indbakke").status_code == 302


def test_a_user_deactivated_after_the_password_is_refused_at_the_code(client):
    admin = make_user(role=Role.ADMIN)
    user, totp, _codes = _enrolled_user()
    _log_in(client, user.email)
    form = browser_form(client, CODE_PAGE)
    accounts.deactivate_user(db.session.get(User, user.id), by=admin)
    db.session.commit()
    response = form.fill(code=totp.now()).submit()
    assert response.headers["Location"] == "/log-ind"
    assert client.get("/sekretariat/indbakke").status_code == 302


def test_the_code_page_without_a_right_password_leads_to_the_login(client):
    response = client.get(CODE_PAGE)
    assert response.status_code == 302 and response.headers["Location"] == "/log-ind"


def test_an_assignee_may_set_it_up_from_her_own_page_and_then_logs_in_with_a_code(
    app, client, login
):
    user = make_user(role=Role.ASSIGNEE)
    login(client, user)
    own = client.get("/mig/").get_data(as_text=True)
    assert f'href="{ENROL_PAGE}"' in own
    totp = pyotp.TOTP(_secret_on_page(_start(client).get_data(as_text=True)))
    wrong = browser_form(client, ENROL_PAGE, action=ENROL_PAGE).fill(code="12345x").submit()
    assert wrong.status_code == 422
    done = browser_form(client, ENROL_PAGE, action=ENROL_PAGE).fill(code=totp.now()).submit()
    assert done.status_code == 200 and "Gem koderne nu" in done.get_data(as_text=True)
    assert "Totrinsbekræftelse er slået til siden" in client.get(ENROL_PAGE).get_data(as_text=True)
    client.post("/log-ud", data={"csrf_token": client.csrf_token()})
    assert _log_in(client, user.email).headers["Location"] == CODE_PAGE
    assert db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.object_id == user.id)
    ).all() == ["user.second_factor_enrolled"]


def test_the_pages_are_in_english_too(app, client, login):
    user = make_user(role=Role.ASSIGNEE)
    login(client, user)
    client.get("/sprog/en")
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert "Set up two-step verification" in page
    enrolled, _totp, _codes = _enrolled_user()
    other = app.test_client()
    _log_in(other, enrolled.email)
    other.get("/sprog/en")
    assert "Enter the code from your app" in other.get(CODE_PAGE).get_data(as_text=True)


@pytest.mark.usefixtures("production")
def test_an_admin_resets_a_users_second_factor_from_the_page_that_asks(as_role, client):
    admin_client = as_role(Role.ADMIN)
    admin = db.session.scalars(db.select(User).where(User.role == Role.ADMIN)).one()
    _enrol_admin(admin)
    user, _totp, _codes = _enrolled_user()
    page = admin_client.get(f"/admin/brugere/{user.id}").get_data(as_text=True)
    assert "Nulstil totrinsbekræftelse" in page
    # The old button of a cached page changes nothing: only the page that asks does.
    admin_client.post_form(f"/admin/brugere/{user.id}/nulstil-totrin")
    assert db.session.get(User, user.id).has_second_factor
    reset = f"/admin/brugere/{user.id}/nulstil-totrin"
    form = browser_form(admin_client, reset, action=reset)
    response = form.submit("Nulstil totrinsbekræftelse")
    assert response.status_code == 302
    assert not db.session.get(User, user.id).has_second_factor
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.second_factor_reset")
    ).one()
    assert (entry.actor_id, entry.object_id) == (admin.id, user.id)
    # The user sets it up again at the next login.
    _log_in(client, user.email)
    assert client.get("/sekretariat/indbakke").headers["Location"].startswith(ENROL_PAGE)


def _enrol_admin(admin):
    """The admin client logged in before REQUIRE_SECOND_FACTOR mattered: give her one."""
    secret = second_factor.start_enrolment(admin)
    second_factor.enrol(admin, pyotp.TOTP(secret).now())
    db.session.commit()


@pytest.mark.skipif(checker_missing(), reason="VNU_JAR not set: run the suite with `make test`")
@pytest.mark.usefixtures("production")
def test_the_second_factor_pages_are_valid_html_in_danish_and_english(app, as_role, tmp_path):
    written = []
    for language in ("da", "en"):
        anonymous = app.test_client()
        anonymous.get(f"/sprog/{language}")
        user, totp, _codes = _enrolled_user(email=f"kode-{language}@example.org")
        _log_in(anonymous, user.email)
        written.append(
            write_page(tmp_path, None, language, CODE_PAGE, anonymous.get(CODE_PAGE).data)
        )
        refused = _give_code(anonymous, "nope")
        written.append(write_page(tmp_path, None, language, CODE_PAGE + "-422", refused.data))

        staff = app.test_client()
        staff.get(f"/sprog/{language}")
        newcomer = make_user(role=Role.SECRETARIAT, email=f"ny-{language}@example.org")
        _log_in(staff, newcomer.email)
        start = staff.get(ENROL_PAGE).get_data(as_text=True)
        written.append(write_page(tmp_path, None, language, "start", start))
        page = _start(staff).get_data(as_text=True)
        written.append(write_page(tmp_path, None, language, ENROL_PAGE, page))
        form = browser_form(staff, ENROL_PAGE, action=ENROL_PAGE)
        written.append(write_page(tmp_path, None, language, "enrol-422", form.submit().data))
        totp = pyotp.TOTP(_secret_on_page(page))
        form = browser_form(staff, ENROL_PAGE, action=ENROL_PAGE)
        done = form.fill(code=totp.now()).submit()
        written.append(write_page(tmp_path, None, language, "codes", done.data))
        written.append(write_page(tmp_path, None, language, "enabled", staff.get(ENROL_PAGE).data))
        refused = browser_form(staff, ENROL_PAGE, action=RENEW).submit()
        written.append(write_page(tmp_path, None, language, "renew-422", refused.data))
        # Required here: no form to turn it off, and a post anyway is refused with a reason.
        refused = staff.post(TURN_OFF, data={"csrf_token": staff.csrf_token(ENROL_PAGE)})
        assert refused.status_code == 403
        written.append(write_page(tmp_path, None, language, "turn-off-403", refused.data))

        admin = as_role(Role.ADMIN)
        newest_admin = db.select(User).where(User.role == Role.ADMIN).order_by(User.id.desc())
        _enrol_admin(db.session.scalars(newest_admin).first())
        admin.get(f"/sprog/{language}")
        for path in (f"/admin/brugere/{user.id}", f"/admin/brugere/{user.id}/nulstil-totrin"):
            response = admin.get(path)
            assert response.status_code == 200, path
            written.append(write_page(tmp_path, Role.ADMIN, language, path, response.data))
    assert nu_errors(written) == []


# --- the set-up starts with a POST: the page itself only reads ------------------------------


def test_the_set_up_page_writes_nothing_and_starts_only_from_its_button(client, login):
    user = make_user(role=Role.ASSIGNEE)
    login(client, user)
    page = client.get(ENROL_PAGE)
    assert page.status_code == 200 and "Start opsætning" in page.get_data(as_text=True)
    assert "<svg" not in page.get_data(as_text=True)
    client.get(ENROL_PAGE)
    assert db.session.get(User, user.id).totp_secret is None
    # Without the page's token the button does nothing.
    refused = client.post(START)
    assert refused.status_code == 400
    assert db.session.get(User, user.id).totp_secret is None
    first = _secret_on_page(_start(client).get_data(as_text=True))
    # A reload, a second tab and a second press all show the QR code being scanned.
    assert _secret_on_page(client.get(ENROL_PAGE).get_data(as_text=True)) == first
    other_tab = browser_form(client, ENROL_PAGE, action=ENROL_PAGE)
    assert _secret_on_page(client.get(ENROL_PAGE).get_data(as_text=True)) == first
    done = other_tab.fill(code=pyotp.TOTP(first).now()).submit()
    assert done.status_code == 200 and "Gem koderne nu" in done.get_data(as_text=True)
    [sent] = mails("user_second_factor_enrolled")
    assert sent.to_address == user.email and first not in sent.body_text


@pytest.mark.usefixtures("production")
def test_in_production_staff_without_a_factor_may_start_and_confirm_it(client):
    user = make_user(role=Role.SECRETARIAT)
    _log_in(client, user.email)
    page = _start(client, ENROL_PAGE + "?next=/sekretariat/indbakke")
    totp = pyotp.TOTP(_secret_on_page(page.get_data(as_text=True)))
    form = browser_form(client, ENROL_PAGE + "?next=/sekretariat/indbakke", action=ENROL_PAGE)
    done = form.fill(code=totp.now()).submit()
    assert 'href="/sekretariat/indbakke"' in done.get_data(as_text=True)


# --- managing it: new recovery codes, turning it off -------------------------------------------


def _enrolled_and_logged_in(client, role=Role.ASSIGNEE):
    user, totp, codes = _enrolled_user(role=role)
    _log_in(client, user.email)
    assert _give_code(client, codes[0]).status_code == 302
    return user, totp, codes


def _code_later(totp, minutes=2):
    """The app's code a little later (the login's step is used); the test's clock moves too."""
    return totp.at(clock.now() + timedelta(minutes=minutes))


def test_new_recovery_codes_need_the_apps_code_and_replace_the_old_ones(client, travel):
    user, totp, old = _enrolled_and_logged_in(client)
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert "Lav nye gendannelseskoder" in page and "Start opsætning" not in page
    # A recovery code will not do, nor a wrong code.
    refused = browser_form(client, ENROL_PAGE, action=RENEW).fill(renew_code=old[1]).submit()
    assert refused.status_code == 422 and WRONG in refused.get_data(as_text=True)
    travel.shift(timedelta(minutes=2))
    done = browser_form(client, ENROL_PAGE, action=RENEW).fill(renew_code=totp.now()).submit()
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert "Du har nye gendannelseskoder" in text
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", text)
    assert len(new) == 10 and not set(new) & set(old)
    assert "user.recovery_codes_renewed" in _audited(user)
    [sent] = mails("user_recovery_codes_renewed")
    assert not any(code in sent.body_text for code in (*old, *new))
    client.post("/log-ud", data={"csrf_token": client.csrf_token()})
    _log_in(client, user.email)
    assert _give_code(client, old[2]).status_code == 422
    assert _give_code(client, new[2]).status_code == 302


def test_an_assignee_turns_it_off_with_the_apps_code(client, travel):
    user, totp, _codes = _enrolled_and_logged_in(client)
    wrong = browser_form(client, ENROL_PAGE, action=TURN_OFF).fill(off_code="12345x").submit()
    assert wrong.status_code == 422 and db.session.get(User, user.id).has_second_factor
    travel.shift(timedelta(minutes=2))
    response = browser_form(client, ENROL_PAGE, action=TURN_OFF).fill(off_code=totp.now()).submit()
    assert response.status_code == 302 and response.headers["Location"] == ENROL_PAGE
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert "Totrinsbekræftelse er slået fra" in page and "Start opsætning" in page
    assert not db.session.get(User, user.id).has_second_factor
    assert "user.second_factor_disabled" in _audited(user)
    assert len(mails("user_second_factor_disabled")) == 1
    client.post("/log-ud", data={"csrf_token": client.csrf_token()})
    assert _log_in(client, user.email).headers["Location"] != CODE_PAGE


@pytest.mark.usefixtures("production")
def test_where_it_is_required_the_page_offers_no_way_to_turn_it_off_and_a_post_is_refused(
    client,
):
    user, totp, _codes = _enrolled_and_logged_in(client, role=Role.SECRETARIAT)
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert "så du kan ikke slå den fra" in page
    assert f'action="{TURN_OFF}"' not in page
    response = client.post(
        TURN_OFF, data={"csrf_token": client.csrf_token(ENROL_PAGE), "off-code": totp.now()}
    )
    assert response.status_code == 403
    assert "den er påkrævet for administratorer og sekretariatet" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).has_second_factor
    assert mails("user_second_factor_disabled") == []


def test_wrong_codes_when_managing_count_with_the_logins_code_step(client):
    user, _totp, codes = _enrolled_user(role=Role.ASSIGNEE)
    _log_in(client, user.email)
    assert _give_code(client, "abcde-fghij").status_code == 422  # one wrong at the login
    assert _give_code(client, codes[0]).status_code == 302
    statuses = [
        browser_form(client, ENROL_PAGE, action=action).fill(**{field: "000000"}).submit()
        for action, field in [(RENEW, "renew_code"), (TURN_OFF, "off_code")] * 3
    ]
    assert [r.status_code for r in statuses] == [422] * 4 + [429] * 2


def test_an_admins_reset_is_mailed_to_the_user(as_role):
    admin_client = as_role(Role.ADMIN)
    user, _totp, _codes = _enrolled_user()
    reset = f"/admin/brugere/{user.id}/nulstil-totrin"
    asking = admin_client.get(reset).get_data(as_text=True)
    assert "får en e-mail om, at totrinsbekræftelsen er nulstillet" in asking
    browser_form(admin_client, reset, action=reset).submit("Nulstil totrinsbekræftelse")
    [sent] = mails("user_second_factor_reset")
    assert sent.to_address == user.email and "administrator" in sent.body_text


def test_managing_it_reads_in_english_too(app, client):
    _user, _totp, _codes = _enrolled_and_logged_in(client)
    client.get("/sprog/en")
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert "Make new recovery codes" in page and "Turn off two-step verification" in page


def _audited(user):
    return db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.object_id == user.id)
    ).all()


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_user_finds_the_second_factor_in_the_header(as_role, role):
    page = as_role(role).get("/").get_data(as_text=True)
    header = page[page.index('class="portal-user-box"') :].split("</div>")[0]
    assert 'href="/konto/totrinsbekraeftelse">Totrinsbekræftelse</a>' in header
