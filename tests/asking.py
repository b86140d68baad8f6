"""The page that asks before what cannot be undone (tests/views/test_confirmations.py)."""


def asking_page(client, page, asks):
    """The answer to `asks`, the page that asks first, once `page` is shown to lead only to it:
    a link there and no form of its own posting there."""
    html = client.get(page).text
    assert f'action="{asks}"' not in html, f"{page} posts to {asks} without asking"
    assert f'href="{asks}"' in html, f"{page} has no link to {asks}"
    asking = client.get(asks)
    assert asking.status_code == 200, f"GET {asks} answered {asking.status_code}"
    return asking
