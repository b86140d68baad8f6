"""Commands: `flask create-user`, `flask demo-data`, `flask send-mail`, `flask send-reminders`,
`flask anonymise`, `flask backup`."""

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app

from .extensions import db
from .models import Person
from .models.enums import Role


def init_app(app):
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(anonymise_command)
    app.cli.add_command(backup_command)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--person-email", help="For an assignee: the email of their person in the panel.")
@click.password_option(
    help="At least 12 characters, not easy to guess (nor the name, the email or VINK). "
    "Asked for when not given."
)
def create_user_command(email, name, role, person_email, password):
    """Create a staff or assignee login."""
    from .services.accounts import AccountError, create_user

    person = None
    if person_email:
        person = db.session.scalar(db.select(Person).where(Person.email == person_email.lower()))
        if person is None:
            raise click.ClickException(f"Ingen person med e-mailadressen {person_email}.")
    try:
        user = create_user(email=email, name=name, password=password, role=role, person=person)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Oprettet: {user.email} ({user.role.value})")


@click.command("demo-data")
@click.option("--scale", default=1, show_default=True, help="Multiply the data (benchmarks).")
@click.option("--first-run", is_flag=True, help="Quietly do nothing when data already exists.")
@click.option("--force", is_flag=True, help="Load even outside VINK_ENV=development.")
def demo_data_command(scale, first_run, force):
    """Load a believable Danish demo data set (idempotent: never loads twice)."""
    from . import demo

    if current_app.config["ENV_NAME"] != "development" and not force:
        # Demo logins share a published password: never into a real database by accident.
        raise click.ClickException(
            "Demodata indlæses kun med VINK_ENV=development (eller --force)."
        )
    if demo.already_loaded():
        if not first_run:
            click.echo("Demodata findes allerede; intet ændret.")
        demo.print_logins(click.echo)
        return
    counts = demo.load(scale=scale)
    db.session.commit()
    click.echo("Demodata indlæst: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    demo.print_logins(click.echo)


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, checking the outbox every --interval.")
@click.option("--interval", default=30, show_default=True, help="Seconds between checks.")
def send_mail_command(loop, interval):
    """Deliver due messages from the outbox (SMTP settings: MAIL_* variables)."""
    from .services.mail import deliver_due

    while True:
        sent, failed = deliver_due()
        if sent or failed or not loop:
            click.echo(f"{sent} sendt, {failed} opgivet ({current_app.config['MAIL_BACKEND']}).")
        if not loop:
            return
        time.sleep(interval)


@click.command("send-reminders")
def send_reminders_command():
    """Reminders, lapsed offers and the offer chain (run every 15 minutes; safe to repeat)."""
    from .services.reminders import send_reminders

    counts = send_reminders()
    db.session.commit()
    click.echo(", ".join(f"{name}: {n}" for name, n in counts.items()))


@click.command("anonymise")
def anonymise_command():
    """Erase requesters' personal data past the retention period, and old mail (run daily)."""
    from .services.retention import anonymise_expired_contacts, purge_old_mail

    count = anonymise_expired_contacts()
    purged = purge_old_mail()
    db.session.commit()
    click.echo(f"{count} kontaktpersoner anonymiseret. {purged} gamle e-mails slettet.")


@click.command("backup")
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="File or folder (default: instance/backups/vink-<time>.sqlite3).",
)
def backup_command(target):
    """Copy the SQLite database, consistently, while the portal serves (online backup API).

    PostgreSQL: use pg_dump (see README, "Drift")."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "flask backup er til SQLite. PostgreSQL: pg_dump --format=custom "
            '--file=vink-$(date +%F).dump "$DATABASE_URL"'
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if target is None:
        target = Path(current_app.config["INSTANCE_DIR"]) / "backups"
    if target.is_dir() or target.suffix == "":
        target = target / f"vink-{stamp}.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(url.database)
    try:
        with sqlite3.connect(target) as copy:
            # Page by page, letting writers in between: safe while requests are served.
            source.backup(copy, pages=256, sleep=0.005)
        copy.close()
    finally:
        source.close()
    click.echo(f"Sikkerhedskopi skrevet til {target}")
