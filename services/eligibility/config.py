from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.runtime.settings import InfraSettings

HERE = Path(__file__).parent


class EligibilitySettings(InfraSettings):
    model_config = SettingsConfigDict(env_prefix="ELIGIBILITY_", extra="ignore")

    http_port: int = 18082
    revaluation_rates_file: Path = HERE / "revaluation_rates.json"
    inspection_rules_file: Path = HERE / "inspection_rules.json"
    inspection_secret: str = "local-inspection-draw-secret"
    # A local key for tokens the tests and the local run sign themselves (the claims service's `issue_token`); unset,
    # only the identity provider's RS256 tokens (OIDC_*) are accepted. Never set in production.
    jwt_verification_key: str | None = None
    jwt_issuer: str = "https://idp.macnss.ma"
    jwt_audience: str = "taawidaty"

    def secrets(self) -> dict[str, str | None]:
        secrets = super().secrets() | {"ELIGIBILITY_INSPECTION_SECRET": self.inspection_secret}
        if self.jwt_verification_key:  # optional: tokens the local run signs itself
            secrets["ELIGIBILITY_JWT_VERIFICATION_KEY"] = self.jwt_verification_key
        return secrets
