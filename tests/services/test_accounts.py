"""Accounts: invitations with a single-use 72-hour link, roles, the last admin, passwords."""

import random
import string
import time

import itsdangerous.timed
import pytest

from portal import links
from portal.extensions import db
from portal.models import AuditEntry, OutboxMessage, User
from portal.models.enums import Role
from portal.services import accounts
from tests.factories import PASSWORD, make_person, make_user


def _link_in(message):
    [line] = [w for w in message.body_text.split() if "/adgangskode/" in w]
    return line.rsplit("/adgangskode/", 1)[1]


def _invite(**overrides):
    admin = overrides.pop("by", None) or make_user(role=Role.ADMIN)
    values = {"email": "Ny.Bruger@Example.org", "name": "Ny  Bruger", "role": Role.SECRETARIAT}
    user = accounts.invite_user(**(values | overrides), by=admin)
    db.session.commit()
    return user


def test_invite_user_mails_a_link_and_the_account_cannot_be_logged_into_before():
    user = _invite()
    assert (user.email, user.name, user.is_invited) == ("ny.bruger@example.org", "Ny Bruger", True)
    [mail] = db.session.scalars(db.select(OutboxMessage)).all()
    assert mail.to_address == user.email and "72 timer" in mail.body_text
    assert accounts.user_for_password_link(_link_in(mail)) is user
    assert accounts.authenticate(user.email, "") is None
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "user.invited" in actions


def test_a_password_link_works_once():
    user = _invite()
    signed = _link_in(db.session.scalars(db.select(OutboxMessage)).one())
    accounts.choose_password(user, "en lang og god sætning")
    db.session.commit()
    assert not user.is_invited
    assert accounts.authenticate(user.email, "en lang og god sætning") is user
    with pytest.raises(accounts.PasswordLinkUsed):
        accounts.user_for_password_link(signed)


def test_a_password_link_expires_after_72_hours(monkeypatch):
    three_days_ago = int(time.time()) - 72 * 3600 - 5
    monkeypatch.setattr(
        itsdangerous.timed.TimestampSigner, "get_timestamp", lambda _self: three_days_ago
    )
    user = _invite()
    monkeypatch.undo()
    signed = _link_in(db.session.scalars(db.select(OutboxMessage)).one())
    with pytest.raises(accounts.PasswordLinkUsed, match="udløbet"):
        accounts.user_for_password_link(signed)
    assert user.password_token is not None  # nothing changed


def test_a_new_link_replaces_the_one_before():
    user = _invite()
    first = _link_in(db.session.scalars(db.select(OutboxMessage)).one())
    accounts.send_password_link(user, by=user)
    db.session.commit()
    second = _link_in(
        db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    )
    with pytest.raises(accounts.PasswordLinkUsed, match="erstattet"):
        accounts.user_for_password_link(first)
    assert accounts.user_for_password_link(second) is user


def test_a_link_that_was_never_genuine_is_a_link_error():
    user = _invite()
    with pytest.raises(links.LinkError):
        accounts.user_for_password_link("forged." + user.password_token)
    forged = links.sign_timed("tracking", [user.id, user.password_token])  # another purpose
    with pytest.raises(links.LinkError):
        accounts.user_for_password_link(forged)


def test_a_deactivated_users_link_stops_working():
    _invite(email="chef@example.org", role=Role.ADMIN)  # not the last admin
    user = _invite()
    signed = _link_in(
        db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.to_address == user.email)
        ).one()
    )
    accounts.deactivate_user(user, by=None)
    db.session.commit()
    with pytest.raises(accounts.PasswordLinkUsed):
        accounts.user_for_password_link(signed)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("kort-kode", "mindst 12 tegn"),
        ("x" * 129, "højst have 128 tegn"),
        ("ny.bruger@example.org", "e-mailadresse"),
        ("leavemealone", "for let at gætte"),
        ("QWERTY123456", "for let at gætte"),
        ("københavn2026!", "for let at gætte"),
        ("vink-demo-2026", "for let at gætte"),  # the demo password, in the README
    ],
)
def test_a_weak_password_is_refused_and_nothing_changes(password, why):
    user = _invite()
    with pytest.raises(accounts.AccountError, match=why) as refused:
        accounts.choose_password(user, password)
    assert refused.value.field == "password"
    assert user.is_invited and user.password_token is not None


def test_the_email_is_no_password_however_it_is_written():
    user = _invite(email="kim.andersen.vink@example.org")
    for password in ("kim.andersen.vink@example.org", "KIM.ANDERSEN.VINK"):
        with pytest.raises(accounts.AccountError, match="e-mailadresse"):
            accounts.choose_password(user, password)


def test_the_name_is_no_password_either():
    user = _invite(name="Kirsten Sørensen", email="ks@example.org")
    with pytest.raises(accounts.AccountError, match="for let at gætte"):
        accounts.choose_password(user, "kirstensørensen!!")
    # Someone else may: the words are hers, not banned for everyone.
    accounts.check_password("kirstensørensen!!", email="ole@example.org", name="Ole Bak")


def test_a_long_password_is_judged_quickly():
    random_128 = "".join(random.Random(7).choices(string.ascii_letters + string.digits, k=128))
    started = time.perf_counter()
    accounts.check_password(random_128, email="kim@example.org", name="Kim")
    assert time.perf_counter() - started < 1


def test_set_password_refuses_a_weak_password_and_keeps_the_old_one():
    user = make_user()
    with pytest.raises(accounts.AccountError, match="for let at gætte"):
        accounts.set_password(user, "vinkvinkvink", by=user)
    assert user.check_password(PASSWORD)


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated():
    admin = make_user(role=Role.ADMIN)
    db.session.execute(db.update(User).where(User.id != admin.id).values(active=False))
    with pytest.raises(accounts.AccountError, match="sidste aktive administrator"):
        accounts.change_role(admin, role=Role.SECRETARIAT, person=None, by=admin)
    with pytest.raises(accounts.AccountError, match="sidste aktive administrator"):
        accounts.deactivate_user(admin, by=admin)
    assert (admin.role, admin.active) == (Role.ADMIN, True)
    # With a second active admin, either can go.
    other = make_user(role=Role.ADMIN)
    accounts.change_role(admin, role=Role.SECRETARIAT, person=None, by=other)
    assert admin.role == Role.SECRETARIAT
    with pytest.raises(accounts.AccountError):
        accounts.deactivate_user(other, by=other)


def test_no_one_deactivates_herself():
    admin = make_user(role=Role.ADMIN)
    make_user(role=Role.ADMIN)
    with pytest.raises(accounts.AccountError, match="Du kan ikke deaktivere dig selv"):
        accounts.deactivate_user(admin, by=admin)
    assert admin.active


def test_a_role_change_ends_the_users_sessions_and_is_audited():
    admin = make_user(role=Role.ADMIN)
    user = make_user(role=Role.SECRETARIAT)
    version = user.session_version
    person = make_person(is_ambassador=True)
    accounts.change_role(user, role=Role.ASSIGNEE, person=person, by=admin)
    assert (user.role, user.person, user.session_version) == (Role.ASSIGNEE, person, version + 1)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "user.role_changed")
    ).one()
    assert entry.before["role"] == "secretariat" and entry.after["role"] == "assignee"


def test_an_assignee_needs_a_person_of_their_own_and_staff_none():
    admin = make_user(role=Role.ADMIN)
    person = make_person(is_ambassador=True)
    make_user(role=Role.ASSIGNEE, person=person)
    with pytest.raises(accounts.AccountError, match="skal knyttes") as refused:
        accounts.invite_user(email="a@example.org", name="A", role=Role.ASSIGNEE, by=admin)
    assert refused.value.field == "person_id"
    with pytest.raises(accounts.AccountError, match="har allerede en bruger"):
        accounts.invite_user(
            email="b@example.org", name="B", role=Role.ASSIGNEE, person=person, by=admin
        )
    with pytest.raises(accounts.AccountError, match="Kun resursepersoner"):
        accounts.invite_user(
            email="c@example.org", name="C", role=Role.SECRETARIAT, person=person, by=admin
        )
    assert person not in accounts.persons_to_link()[0]
    assert accounts.linkable_person(person.id) is None
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_of_two_posts_of_one_link_at_once_only_the_first_sets_the_password():
    user = _invite()
    # Another request took the link between this one's check and its write.
    db.session.execute(
        db.update(User)
        .where(User.id == user.id)
        .values(password_token=None)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(accounts.PasswordLinkUsed):
        accounts.choose_password(user, "en lang og god sætning")
    db.session.rollback()
    assert accounts.authenticate(user.email, "en lang og god sætning") is None


def test_deactivating_twice_or_reactivating_an_active_user_writes_nothing():
    user = make_user(role=Role.SECRETARIAT)
    accounts.reactivate_user(user, by=user)
    accounts.deactivate_user(user, by=None)
    accounts.deactivate_user(user, by=None)
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert actions.count("user.deactivated") == 1 and "user.reactivated" not in actions


def test_the_person_select_shows_a_capped_list_and_a_search_finds_the_rest():
    for n in range(accounts.PERSONS_SHOWN + 5):
        make_person(first_name=f"Person{n:02}", email=f"p{n}@example.org", is_ambassador=True)
    last = make_person(first_name="Zakaria", last_name="Zaki", is_ambassador=True)
    shown, total = accounts.persons_to_link()
    assert len(shown) == accounts.PERSONS_SHOWN and total == accounts.PERSONS_SHOWN + 6
    assert last not in shown
    assert accounts.persons_to_link(q="zakaria zaki") == ([last], 1)
    # A person the list does not show may still be chosen: validation asks the database.
    assert accounts.linkable_person(last.id) is last
    user = make_user(role=Role.ASSIGNEE, person=last)
    assert accounts.persons_to_link(user)[0][0] is last  # the linked person comes first
