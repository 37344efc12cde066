from datetime import timedelta
from decimal import Decimal

from pydantic_settings import SettingsConfigDict

from services.runtime.settings import InfraSettings


class ClaimsSettings(InfraSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMS_", extra="ignore")

    http_port: int = 18080
    quarantine_bucket: str = "quarantine"
    max_upload_bytes: int = 10 * 1024 * 1024
    max_claim_bytes: int = 40 * 1024 * 1024
    receipt_link_ttl_s: int = 300
    documents_url: str = "http://127.0.0.1:18081"  # the documents service, whose checks judge each upload at once
    documents_timeout_s: float = 30.0
    # The back office: an agent's acceptance above this amount (MAD) needs a second agent's approval; claims returned
    # to the claimant for documents show in the agents' queue after this many days.
    approval_above_amount: Decimal = Decimal("50000.00")
    returned_after_days: int = 15
    # The one-week promise: a claim is decided within this many days of its submission (its time returned to the
    # claimant not counted); the back office marks it close to its deadline from this many hours before.
    decision_days: int = 7
    decision_warning_hours: int = 48
    # How often the count of claims past their deadline (taawidaty_claims_past_decision_deadline) is taken.
    deadline_metric_interval_s: float = 60.0
    jwt_algorithm: str = "HS256"
    jwt_verification_key: str = "local-only-jwt-secret-change-me-in-production"

    def secrets(self) -> dict[str, str | None]:
        return super().secrets() | {"CLAIMS_JWT_VERIFICATION_KEY": self.jwt_verification_key}

    @property
    def decision_warning(self) -> timedelta:
        return timedelta(hours=self.decision_warning_hours)

    jwt_issuer: str = "https://idp.macnss.ma"
    jwt_audience: str = "taawidaty"
