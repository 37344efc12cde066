from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.runtime.auth import LocalTokenSettings
from services.runtime.settings import InfraSettings


class NotificationsSettings(InfraSettings, LocalTokenSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    http_port: int = 18084
    kannel_sendsms_url: str = Field("http://127.0.0.1:13013/cgi-bin/sendsms", validation_alias="KANNEL_SENDSMS_URL")
    kannel_username: str = Field("taawidaty", validation_alias="KANNEL_USERNAME")
    kannel_password: str = Field("taawidaty-local", validation_alias="KANNEL_PASSWORD")
    # Kannel calls /incoming-sms with this token in its MO get-url (a STOP reply to an invitation opts out).
    incoming_sms_token: str = Field("taawidaty-local-incoming-sms", validation_alias="KANNEL_INCOMING_SMS_TOKEN")
    # Where an invitation to file sends the insured (the portal).
    portal_url: str = Field("https://www.cnss.ma/taawidaty", validation_alias="PORTAL_PUBLIC_URL")

    def secrets(self) -> dict[str, str | None]:
        return (
            super().secrets()
            | {"KANNEL_PASSWORD": self.kannel_password, "KANNEL_INCOMING_SMS_TOKEN": self.incoming_sms_token}
            | self.local_key_secrets("NOTIFICATIONS_")
        )

    sender: str = "CNSS"
    # Connections kept open to the gateway, the sends queueing for them: a local smsbox answered 780-790 sends a second
    # over 4 and fewer over more (benchmarks/gateway_bench.py).
    gateway_connections: int = Field(4, ge=1)
    delivery_report_url: str = "http://127.0.0.1:18084/delivery-reports"
    max_parts: int = 4
    # An SMS recorded as being sent with no answer from the gateway nor delivery report after this long was never
    # taken by the gateway (its sender crashed): it is sent again, once. Above Kannel's delivery-report retries.
    unconfirmed_after_s: float = 300
    unsent_sweep_interval_s: float = 30
