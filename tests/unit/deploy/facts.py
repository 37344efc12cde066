"""What the code and the deployment files say, read the same way by the deployment tests."""

import functools
import importlib
import re
from pathlib import Path

import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
K8S = DEPLOY / "k8s"
DOCKER = DEPLOY / "docker"
SERVICES = ("claims", "documents", "eligibility", "receipts", "notifications", "portal")
# The services that consume Kafka topics (the portal only calls the others' HTTP APIs).
CONSUMERS = ("claims", "documents", "eligibility", "receipts", "notifications")
GROUP_ID = re.compile(r"""group_id\s*=\s*f?["']([^"']+)["']""")


def settings_class(service: str) -> type[BaseSettings]:
    config = importlib.import_module(f"services.{service}.config")
    classes = [
        value
        for value in vars(config).values()
        if isinstance(value, type) and issubclass(value, BaseSettings) and value.__module__ == config.__name__
    ]
    assert len(classes) == 1, f"services/{service}/config.py should define one settings class"
    return classes[0]


def variables_read(service: str) -> set[str]:
    """The environment variables the service reads: those of its settings class and, when it verifies the identity
    provider's tokens (its app or its settings' `token_verifier`), those of services/runtime/auth.py's
    IdentitySettings."""
    settings = settings_class(service)
    names = variables_of(settings)
    if "IdentitySettings" in (ROOT / "services" / service / "app.py").read_text() or hasattr(
        settings, "token_verifier"
    ):
        names |= variables_of(importlib.import_module("services.runtime.auth").IdentitySettings)
    return names


def variables_of(cls: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads: an alias, or prefix + field name."""
    prefix = cls.model_config.get("env_prefix", "")
    names: set[str] = set()
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif isinstance(alias, AliasChoices):
            names.update(choice for choice in alias.choices if isinstance(choice, str))
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def env_prefix(service: str) -> str:
    return settings_class(service).model_config.get("env_prefix", "")


def default_port(service: str) -> int:
    return settings_class(service).model_fields["http_port"].default


def declared_groups(service: str) -> set[str]:
    """The consumer group ids in the service's handlers (`group_id=...`)."""
    return set(GROUP_ID.findall((ROOT / "services" / service / "handlers.py").read_text()))


@functools.cache
def subscriptions(service: str) -> dict[str, set[str]]:
    """Consumer group id -> topics, from the subscribers the service's app registers on its broker."""
    app_module = importlib.import_module(f"services.{service}.app")
    app = app_module.create_app(settings_class(service)())
    groups: dict[str, set[str]] = {}
    for subscriber in app.state.broker.subscribers:
        groups.setdefault(subscriber.group_id, set()).update(subscriber.topic_names)
    return groups


def service_run_by(command: object) -> str | None:
    """`python -m services.<name>` -> name."""
    if isinstance(command, str):
        command = command.split()
    if isinstance(command, list) and command[:2] == ["python", "-m"] and len(command) == 3:
        module = command[2]
        if module.startswith("services."):
            return module.removeprefix("services.")
    return None


@functools.cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def k8s_files() -> list[Path]:
    return sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")


@functools.cache
def k8s_documents() -> tuple[dict, ...]:
    return tuple(
        document for path in k8s_files() for document in yaml.safe_load_all(path.read_text()) if document is not None
    )


def k8s_objects(kind: str) -> dict[str, dict]:
    return {document["metadata"]["name"]: document for document in k8s_documents() if document["kind"] == kind}


def topics_created_by(script: str) -> tuple[set[str], str]:
    """The topic names a `for topic in ...; do` creation loop lists, and the loop's body."""
    match = re.search(r"for topic in ([^;]+); do(.*)", script, re.DOTALL)
    assert match, "no `for topic in ...; do` loop in the topic creation script"
    return set(match.group(1).split()), match.group(2)


def option(script: str, name: str) -> str:
    match = re.search(rf"{re.escape(name)}[ =]+(\S+)", script)
    assert match, f"{name} not in the topic creation script"
    return match.group(1)


def quantity(value: str | int) -> float:
    """A Kubernetes CPU or memory quantity as a number (cores, bytes)."""
    text = str(value)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9}
    for unit, factor in units.items():
        if text.endswith(unit) and text[: -len(unit)].replace(".", "", 1).isdigit():
            return float(text[: -len(unit)]) * factor
    return float(text)
