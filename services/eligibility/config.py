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
