from pydantic_settings import SettingsConfigDict

from services.runtime.settings import InfraSettings


class ReceiptsSettings(InfraSettings):
    model_config = SettingsConfigDict(env_prefix="RECEIPTS_", extra="ignore")

    http_port: int = 18083
    bucket: str = "receipts"
    verification_key: str = "local-receipt-verification-key"
    verification_base_url: str = "https://www.cnss.ma/taawidaty/verification?t="
    render_timeout_s: float = 30.0
    render_workers: int | None = None

    def secrets(self) -> dict[str, str | None]:
        return super().secrets() | {"RECEIPTS_VERIFICATION_KEY": self.verification_key}
