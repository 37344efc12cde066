"""The quarantine bucket forgets uploads after a while: a MinIO lifecycle rule, set at start-up."""

import asyncio
import logging

from minio.commonconfig import ENABLED, Filter
from minio.error import S3Error
from minio.lifecycleconfig import Expiration, LifecycleConfig, Rule

from services.runtime.object_store import ObjectStore

log = logging.getLogger(__name__)

RULE_ID = "taawidaty-quarantine-expiry"


def expiry_rules(existing: LifecycleConfig | None, days: int) -> LifecycleConfig:
    """The bucket's rules with ours set to `days` (other rules kept as they are)."""
    others = [rule for rule in (existing.rules if existing else []) if rule.rule_id != RULE_ID]
    ours = Rule(ENABLED, rule_filter=Filter(prefix=""), rule_id=RULE_ID, expiration=Expiration(days=days))
    return LifecycleConfig([*others, ours])


async def expire_quarantine(store: ObjectStore, bucket: str, days: int) -> None:
    if days <= 0:
        return

    def apply() -> None:
        try:
            store.client.set_bucket_lifecycle(bucket, expiry_rules(store.client.get_bucket_lifecycle(bucket), days))
        except S3Error as error:  # an S3 server without lifecycle support: uploads stay, say so
            log.warning("quarantine expiry not set on %s: %s", bucket, error.code)

    await asyncio.to_thread(apply)
