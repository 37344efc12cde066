from minio.commonconfig import ENABLED, Filter
from minio.lifecycleconfig import Expiration, LifecycleConfig, Rule

from services.documents.adapters.quarantine import RULE_ID, expiry_rules


def test_the_quarantine_rule_expires_every_object_after_the_configured_days():
    [rule] = expiry_rules(None, 7).rules
    assert (rule.rule_id, rule.status, rule.rule_filter.prefix, rule.expiration.days) == (RULE_ID, ENABLED, "", 7)


def test_setting_the_rule_again_replaces_ours_and_keeps_the_operators_rules():
    operators = Rule(ENABLED, rule_filter=Filter(prefix="tmp/"), rule_id="ops", expiration=Expiration(days=1))
    first = expiry_rules(LifecycleConfig([operators]), 7)
    second = expiry_rules(first, 3)
    assert [(r.rule_id, r.expiration.days) for r in second.rules] == [("ops", 1), (RULE_ID, 3)]
