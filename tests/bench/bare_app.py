"""The ceiling of a web request: a bare Flask endpoint that reads a JSON body and inserts it into the
same database, run by gunicorn with the services' own settings (deploy/gunicorn.conf.py).

`gunicorn -c deploy/gunicorn.conf.py "tests.bench.bare_app:create_app()"` with MONGO_URI set.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request

from shared.db import mongo_client

DATABASE = "bench_bare_endpoint"


def create_app() -> Flask:
    app = Flask(__name__)
    collection = mongo_client(os.environ["MONGO_URI"])[DATABASE]["screenings"]

    @app.post("/insert")
    def insert():  # noqa: ANN202 - a Flask view
        document = dict(request.get_json(force=True))
        collection.insert_one(document)
        return jsonify({"id": str(document["_id"])}), 201

    return app
