"""The yardstick for bench/run.py: the least a Flask page can do, served the same way."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
