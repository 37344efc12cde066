from pydantic_settings import SettingsConfigDict

from services.runtime.settings import InfraSettings


class ClaimsSettings(InfraSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMS_", extra="ignore")

    http_port: int = 18080
    quarantine_bucket: str = "quarantine"
    max_upload_bytes: int = 10 * 1024 * 1024
