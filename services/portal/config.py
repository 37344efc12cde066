from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from services.runtime.settings import InfraSettings


class PortalSettings(InfraSettings):
    """The portal reads only MongoDB (its sessions) of the shared servers; the rest it reaches through the
    services' HTTP APIs and the identity provider. The client secret has no default: local runs set it in
    deploy/local/env.sh."""

    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    http_port: int = 18085
    public_url: str = "http://127.0.0.1:18085"
    oidc_issuer: str
    oidc_client_id: str = "taawidaty-portal"
    oidc_client_secret: SecretStr
    claims_url: str = "http://127.0.0.1:18080"
    documents_url: str = "http://127.0.0.1:18081"
    eligibility_url: str = "http://127.0.0.1:18082"
    receipts_url: str = "http://127.0.0.1:18083"
    secure_cookies: bool = True
    session_idle_minutes: int = 30
    session_max_hours: int = 8
    max_upload_bytes: int = 10 * 1024 * 1024
    backend_timeout_s: float = 30.0

    def secrets(self) -> dict[str, str | None]:
        """The portal holds no MinIO key: only its client secret at the identity provider."""
        return {"PORTAL_OIDC_CLIENT_SECRET": self.oidc_client_secret.get_secret_value()}
