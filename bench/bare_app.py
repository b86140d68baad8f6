"""The yardstick for bench/http_report.sh: the least a Flask page can do."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
