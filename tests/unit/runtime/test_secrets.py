"""Outside the explicit local mode, a service refuses to start with a secret that is missing, short, or written in
the repository (its local defaults, the Kubernetes template's placeholders)."""

import importlib

import pytest
import yaml

from services.runtime.secrets import MIN_SECRET_BYTES, InsecureSecrets, weaknesses
from tests.conftest import ROOT

STRONG = "x" * MIN_SECRET_BYTES
SERVICES = ("claims", "documents", "eligibility", "receipts", "notifications", "portal")
SECRET_VARIABLES = {
    "MINIO_SECRET_KEY",
    "CLAIMS_JWT_VERIFICATION_KEY",
    "ELIGIBILITY_INSPECTION_SECRET",
    "RECEIPTS_VERIFICATION_KEY",
    "KANNEL_PASSWORD",
    "KANNEL_INCOMING_SMS_TOKEN",
    "PORTAL_OIDC_CLIENT_SECRET",
}


def test_a_secret_missing_short_published_or_from_the_template_is_named_and_a_strong_one_passes():
    found = weaknesses(
        {"A": None, "B": "short", "C": "taawidaty-local-secret", "D": "CHANGE-ME-" + STRONG, "E": STRONG}
    )
    assert found == [
        "A is not set",
        f"B is shorter than {MIN_SECRET_BYTES} bytes",
        "C has a value published in the repository",
        "D has a value published in the repository",
    ]


def every_published_value() -> set[str]:
    """The secrets' values the repository writes down: the Kubernetes template, docker-compose and env.sh."""
    template = yaml.safe_load((ROOT / "deploy/k8s/secret.yaml").read_text())["stringData"]
    values = {template[name] for name in SECRET_VARIABLES}
    for line in (ROOT / "deploy/local/env.sh").read_text().splitlines():
        for name in SECRET_VARIABLES:
            if line.startswith(f': "${{{name}:='):
                values.add(line.split(":=", 1)[1].split("}", 1)[0])
    return values


def test_every_value_the_repository_writes_for_a_secret_is_refused(monkeypatch):
    monkeypatch.setenv("PORTAL_OIDC_ISSUER", "https://idp.example/realms/taawidaty")
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_SECRET", "taawidaty-portal-local-secret")
    defaults = {value for service in SERVICES for value in create_app_of(service)[1]().secrets().values()}
    published = every_published_value() | defaults
    assert len(published) >= len(SECRET_VARIABLES) + 5  # the template's six, and the local values
    assert all(weaknesses({"SECRET": value}) for value in published)


def create_app_of(service: str):
    config = importlib.import_module(f"services.{service}.config")
    settings_class = next(
        value
        for name, value in vars(config).items()
        if name.endswith("Settings") and value.__module__ == config.__name__
    )
    return importlib.import_module(f"services.{service}.app").create_app, settings_class


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_refuses_to_start_on_its_default_secrets_outside_the_local_mode(service, monkeypatch):
    monkeypatch.setenv("TAAWIDATY_LOCAL_MODE", "false")
    monkeypatch.setenv("PORTAL_OIDC_ISSUER", "https://idp.example/realms/taawidaty")
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_SECRET", "CHANGE-ME-portal-oidc-client-secret")
    create_app, settings_class = create_app_of(service)
    with pytest.raises(InsecureSecrets) as refused:
        create_app(settings_class())
    assert service in str(refused.value) and "TAAWIDATY_LOCAL_MODE" in str(refused.value)
    assert "taawidaty-local" not in str(refused.value) and "CHANGE-ME" not in str(refused.value)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_starts_with_strong_secrets_outside_the_local_mode(service, monkeypatch):
    monkeypatch.setenv("TAAWIDATY_LOCAL_MODE", "false")
    monkeypatch.setenv("PORTAL_OIDC_ISSUER", "https://idp.example/realms/taawidaty")
    for name in SECRET_VARIABLES:
        monkeypatch.setenv(name, f"{name}-{STRONG}")
    create_app, settings_class = create_app_of(service)
    settings = settings_class()
    assert not weaknesses(settings.secrets()) and settings.secrets()
    assert create_app(settings) is not None


def test_the_local_mode_lets_a_service_start_on_the_local_secrets(monkeypatch):
    monkeypatch.setenv("TAAWIDATY_LOCAL_MODE", "true")
    create_app, settings_class = create_app_of("receipts")
    assert weaknesses(settings_class().secrets())
    assert create_app(settings_class()) is not None
