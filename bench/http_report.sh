#!/bin/sh
# Requests per second of the yearly report page and its XLSX export over HTTP, on demo data at
# SCALE (default 100) in a scratch SQLite database, as a ratio to a bare Flask page served the
# same way in the same run: gunicorn with 2 sync workers, wrk -t2 -c8 -d10s, loopback only.
# Needs wrk (apt-get install wrk); gunicorn is pinned in requirements.txt.
set -eu
cd "$(dirname "$0")/.."
SCALE=${SCALE:-100}
WORK=$(mktemp -d)
export DATABASE_URL="sqlite:///$WORK/demo.sqlite3" VINK_ENV=development FLASK_APP=app.py
.venv/bin/flask db upgrade >/dev/null 2>&1
.venv/bin/flask demo-data --scale "$SCALE" >/dev/null
.venv/bin/gunicorn -w 2 -b 127.0.0.1:5601 --chdir bench bare_app:app --daemon --pid "$WORK/bare.pid"
.venv/bin/gunicorn -w 2 -b 127.0.0.1:5602 app:app --daemon --pid "$WORK/app.pid"
sleep 3
COOKIE=$(PYTHONPATH=. .venv/bin/python bench/login_cookie.py http://127.0.0.1:5602)
YEAR=$(date +%Y)
for url in http://127.0.0.1:5601/ "http://127.0.0.1:5602/sekretariat/rapport" \
    "http://127.0.0.1:5602/sekretariat/rapport/$YEAR.xlsx" http://127.0.0.1:5601/; do
  printf '%s ' "$url"
  wrk -t2 -c8 -d10s -H "Cookie: $COOKIE" "$url" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "NON-2XX: " $0}'
done
kill "$(cat "$WORK/bare.pid")" "$(cat "$WORK/app.pid")"
rm -rf "$WORK"
