"""A form that must not tell whether an address is known answers alike for a known and an
unknown one: the same page and the same database statements (so the same time)."""

import re

from tests.browser_form import browser_form


def answers_alike(client, count_queries, page, emails):
    """Send `page`'s form once with each address, as a browser does; the first answer's text
    (the address written as <email>), after checking every answer is a 200 and all are the same
    below <main> and ran the same statements (numbers aside)."""
    answers, statements = [], []
    for email in emails:
        form = browser_form(client, page, action=page).fill(email=email)
        with count_queries() as counted:
            response = form.submit()
        assert response.status_code == 200
        answers.append(response.get_data(as_text=True).replace(email, "<email>"))
        statements.append([re.sub(r"\d+", "N", s) for s in counted.statements])
    for answer, ran in zip(answers[1:], statements[1:], strict=True):
        assert answer.split("<main", 1)[1] == answers[0].split("<main", 1)[1]
        assert ran == statements[0]
    return answers[0]


def mistyped_address_is_kept(client, page, typed):
    """Send `page`'s form with the address `typed` wrong, as a browser does: a 422 that says
    what is wrong and keeps what was typed. The answer's text."""
    response = browser_form(client, page, action=page).fill(email=typed).submit()
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Skriv en gyldig e-mailadresse" in text
    assert f'value="{typed}"' in text
    return text
