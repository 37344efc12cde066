"""A service process freezes what it loaded before serving and collects the garbage of its messages less often."""

import gc
from types import SimpleNamespace

from fastapi import FastAPI

from services.runtime import http


def test_a_service_freezes_what_it_loaded_and_collects_less_often(monkeypatch):
    served: list[FastAPI] = []
    monkeypatch.setattr(http, "serve", lambda app, host, port: served.append(app))
    monkeypatch.setattr("services.runtime.logs.configure_logging", lambda name: None)
    thresholds = gc.get_threshold()
    try:
        http.run_service("claims", lambda settings: FastAPI(), SimpleNamespace(http_host="127.0.0.1", http_port=0))
        assert gc.get_threshold() == http.SERVICE_GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    assert len(served) == 1
