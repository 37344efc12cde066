"""Secrets a service refuses to start without: outside an explicit local mode (`TAAWIDATY_LOCAL_MODE=true`, set by
deploy/local/env.sh, docker-compose and the tests), each must be set, 32 bytes or more, and none of the values
written in this repository (the local defaults, the Kubernetes template's CHANGE-ME placeholders)."""

from collections.abc import Mapping

MIN_SECRET_BYTES = 32
# Every secret value the repository publishes: the code's local defaults and deploy/local/env.sh's, docker-compose's.
PUBLISHED_VALUES = frozenset(
    {
        "taawidaty-local-secret",
        "local-only-jwt-secret-change-me-in-production",
        "local-inspection-draw-secret",
        "local-receipt-verification-key",
        "taawidaty-local",
        "taawidaty-local-incoming-sms",
        "taawidaty-portal-local-secret",
        "taawidaty-local-admin",
    }
)
TEMPLATE_PREFIX = "CHANGE-ME"


class InsecureSecrets(RuntimeError):
    """The service would start with secrets anyone can read or guess; the message names them, never their values."""


def weaknesses(secrets: Mapping[str, str | None]) -> list[str]:
    """What is wrong with each secret (by its variable's name), empty when all are fit for production."""
    found = []
    for name, value in secrets.items():
        if not value:
            found.append(f"{name} is not set")
        elif value in PUBLISHED_VALUES or value.startswith(TEMPLATE_PREFIX):
            found.append(f"{name} has a value published in the repository")
        elif len(value.encode()) < MIN_SECRET_BYTES:
            found.append(f"{name} is shorter than {MIN_SECRET_BYTES} bytes")
    return found


def require_strong_secrets(service: str, secrets: Mapping[str, str | None], local_mode: bool) -> None:
    """Raise InsecureSecrets unless every secret is fit for production or the local mode is explicitly on."""
    if local_mode:
        return
    if found := weaknesses(secrets):
        raise InsecureSecrets(
            f"{service} refuses to start: {'; '.join(found)}. Set them from the secret store "
            f"(deploy/k8s/secret.yaml lists them), or TAAWIDATY_LOCAL_MODE=true for a local run only."
        )
