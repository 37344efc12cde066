"""deploy/prometheus/alerts.yml loads in Prometheus' own checker and each alert fires on its unit test's series
(promtool, which deploy/local/install.sh builds), on metrics the services really export."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from services.runtime import metrics

RULES = Path(__file__).resolve().parents[3] / "deploy" / "prometheus"
CACHE = Path(os.environ.get("TAAWIDATY_CACHE", Path.home() / ".cache" / "taawidaty"))


def promtool() -> str:
    found = shutil.which("promtool") or (
        str(CACHE / "bin" / "promtool") if (CACHE / "bin" / "promtool").exists() else None
    )
    if found is None:
        pytest.fail("promtool is not installed: run deploy/local/install.sh promtool")
    return found


def test_promtool_finds_the_rules_valid():
    checked = subprocess.run([promtool(), "check", "rules", str(RULES / "alerts.yml")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 4 rules found" in checked.stdout


def test_each_alert_fires_on_its_unit_test_series_and_not_before():
    tested = subprocess.run([promtool(), "test", "rules", "alerts_test.yml"], cwd=RULES, capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_rules_watch_metrics_the_services_export():
    exported = {
        metric.describe()[0].name
        for metric in (metrics.CLAIMS_PAST_DECISION_DEADLINE, metrics.CONSUMER_LAG, metrics.DEAD_LETTERS)
    }
    rules = [rule for group in yaml.safe_load((RULES / "alerts.yml").read_text())["groups"] for rule in group["rules"]]
    used = {name for rule in rules for name in re.findall(r"taawidaty_[a-z_]+", rule["expr"])}
    assert used == {"taawidaty_claims_past_decision_deadline", "taawidaty_consumer_lag", "taawidaty_dead_letters_total"}
    assert {name.removesuffix("_total") for name in used} <= {name.removesuffix("_total") for name in exported}
