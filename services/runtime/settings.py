"""Where the servers are. The same variables serve the local scripts, docker-compose and Kubernetes."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class InfraSettings(BaseSettings):
    """Shared server addresses (no prefix); each service subclasses it with its own prefix for the rest."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    kafka_topic_partitions: int = Field(3, validation_alias="KAFKA_TOPIC_PARTITIONS")
    kafka_topic_replication: int = Field(1, validation_alias="KAFKA_TOPIC_REPLICATION")
    # Consumers of the receipts' subscriber (services/receipts/config.py); with several instances, give each its share
    # of a topic's partitions: no more are ever busy.
    kafka_partition_workers: int | None = Field(None, ge=1, validation_alias="KAFKA_PARTITION_WORKERS")
    mongodb_url: str = Field("mongodb://127.0.0.1:27018/", validation_alias="MONGODB_URL")
    minio_endpoint: str = Field("127.0.0.1:19000", validation_alias="MINIO_ENDPOINT")
    minio_access_key: str = Field("taawidaty", validation_alias="MINIO_ACCESS_KEY")
    minio_secret_key: str = Field("taawidaty-local-secret", validation_alias="MINIO_SECRET_KEY")
    minio_secure: bool = Field(False, validation_alias="MINIO_SECURE")
    database_prefix: str = Field("taawidaty", validation_alias="TAAWIDATY_DATABASE_PREFIX")
    handler_retry_delays_s: tuple[float, ...] = Field(
        (0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0), validation_alias="TAAWIDATY_HANDLER_RETRY_DELAYS_S"
    )
    # The relay publishes right after each write and retries by `_id` what it failed to publish; the sweep only
    # catches what a crash left pending (a restarted service sweeps at once). A sweep reads the whole collection on
    # FerretDB (an index on MongoDB): keep it rare.
    outbox_retry_interval_s: float = Field(30.0, validation_alias="TAAWIDATY_OUTBOX_RETRY_INTERVAL_S")
    outbox_sweep_interval_s: float = Field(600.0, validation_alias="TAAWIDATY_OUTBOX_SWEEP_INTERVAL_S")
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # Only for a machine of one's own: lets the services start with the repository's published local secrets.
    local_mode: bool = Field(False, validation_alias="TAAWIDATY_LOCAL_MODE")

    def secrets(self) -> dict[str, str | None]:
        """The secrets this service holds, by their variable's name (services/runtime/secrets.py checks them)."""
        return {"MINIO_SECRET_KEY": self.minio_secret_key}
