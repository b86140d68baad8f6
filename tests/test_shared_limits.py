"""With REDIS_URL, every worker and host counts against one limit: two gunicorn instances on
this machine's Redis (CI's machine runs one; .ci/run starts it if stopped)."""

import uuid

import pytest
import redis

from tests.gunicorn_server import Browser, environment, migrate, serve

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


def _failed_logins(bases, attempts):
    statuses = []
    for n in range(attempts):
        browser = Browser(bases[n % len(bases)])
        token = browser.csrf_token("/log-ind")
        status, _headers, _page = browser.request(
            "/log-ind",
            {"csrf_token": token, "email": f"x{n}@example.org", "password": "forkert"},
        )
        statuses.append(status)
    return statuses


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts one)")
@pytest.mark.parametrize(("shared", "expected"), [(True, [422, 422, 422, 429]), (False, [422] * 4)])
def test_two_app_instances_share_one_login_limit_through_redis(tmp_path, shared, expected):
    prefix = f"vink-test-{uuid.uuid4().hex}"
    env = environment(
        f"sqlite:///{tmp_path / 'limits.sqlite3'}",
        LOGIN_RATE_LIMIT="3 per minute",
        RATELIMIT_KEY_PREFIX=prefix,
        **({"REDIS_URL": REDIS_URL} if shared else {}),
    )
    if not shared:
        env.pop("REDIS_URL", None)
    migrate(env)
    try:
        with serve(env) as first, serve(env) as second:
            # Spread over both instances: with Redis they count together, in memory apart.
            assert _failed_logins([first, second], 4) == expected
    finally:
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)
