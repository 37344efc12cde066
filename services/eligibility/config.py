from pathlib import Path

from pydantic_settings import SettingsConfigDict

from services.runtime.auth import LocalTokenSettings
from services.runtime.settings import InfraSettings

HERE = Path(__file__).parent


class EligibilitySettings(InfraSettings, LocalTokenSettings):
    model_config = SettingsConfigDict(env_prefix="ELIGIBILITY_", extra="ignore")

    http_port: int = 18082
    revaluation_rates_file: Path = HERE / "revaluation_rates.json"
    inspection_rules_file: Path = HERE / "inspection_rules.json"
    inspection_secret: str = "local-inspection-draw-secret"
    # Outreach campaigns (`python -m services.eligibility campaign`): months before the deadline at which an invitation
    # goes out once each, e.g. ELIGIBILITY_CAMPAIGN_MILESTONES_MONTHS='[12,6,1]'; and how soon an event date may come
    # for its insured to be invited already.
    campaign_milestones_months: tuple[int, ...] = (12, 6, 1)
    campaign_lookahead_months: int = 3
    # A claim left as a draft or returned for documents: its claimant is reminded once from this many days before its
    # filing deadline.
    campaign_reminder_days: int = 30
    campaign_batch_size: int = 1000

    def secrets(self) -> dict[str, str | None]:
        return (
            super().secrets()
            | {"ELIGIBILITY_INSPECTION_SECRET": self.inspection_secret}
            | self.local_key_secrets("ELIGIBILITY_")
        )
