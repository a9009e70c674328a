"""Every alert rule, for every engine version with a metric table, through the real `promtool test rules`: each
fires on its synthetic series and stays quiet on the near misses (tests/observability/rule_cases.py).

All engines' rule files and test files go to one promtool invocation (plus one that must fail), to keep the
suite fast.
"""

import dataclasses

import pytest
import yaml

from config.engines.metrics import TABLES
from config.schema.observability import AlertsConfig
from monitoring.alerts import alert_rules, rule_file

from . import promtool
from .rule_cases import CASES, TARGET, Case, no_leader_scraped, promtool_group

CONFIG = AlertsConfig()


def suite(metrics, config: AlertsConfig = CONFIG, swap: bool = False) -> tuple[dict, dict]:
    """(rule file, promtool test file) for one table; `swap`: only each rule's firing series, expecting silence."""
    rules = alert_rules(metrics, TARGET, config)
    groups = []
    for rule in rules:
        fires, quiet = CASES[rule.name](metrics, config)
        if swap:  # only the firing series, expecting silence
            groups.append(promtool_group(rule, dataclasses.replace(fires, fires=[]), f"{rule.name} fires"))
            continue
        groups += [promtool_group(rule, fires, f"{rule.name} fires"), promtool_group(rule, quiet, f"{rule.name} quiet")]
    if not swap:
        endpoint = next(rule for rule in rules if rule.name == "EndpointDown")
        groups.append(promtool_group(endpoint, no_leader_scraped(config), "EndpointDown fires without any leader"))
    return rule_file(rules, f"deepseek-acs-{metrics.label}"), {"evaluation_interval": "1m", "tests": groups}


def run(tmp_path, tables, **options):
    files = []
    for metrics in tables:
        rules, tests = suite(metrics, **options)
        stem = metrics.label.replace(" ", "-")
        (tmp_path / f"{stem}-rules.yml").write_text(yaml.safe_dump(rules, sort_keys=False))
        tests["rule_files"] = [f"{stem}-rules.yml"]
        files.append(tmp_path / f"{stem}-test.yml")
        files[-1].write_text(yaml.safe_dump(tests, sort_keys=False))
    return promtool.test_rules(files, cwd=tmp_path)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run(tmp_path_factory.mktemp("promtool"), list(TABLES.values()))


def test_promtool_passes_every_case_of_every_engine(result):
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(TABLES)


def test_every_alert_has_a_firing_and_a_quiet_case():
    for metrics in TABLES.values():
        names = [rule.name for rule in alert_rules(metrics, TARGET, CONFIG)]
        assert names == list(CASES), metrics.label
        for name in names:
            fires, quiet = CASES[name](metrics, CONFIG)
            assert isinstance(fires, Case) and fires.fires and not quiet.fires, name


def test_promtool_fails_when_a_rule_does_not_behave_as_expected(tmp_path):
    # The same series, expecting silence where the rules fire: promtool must report every rule.
    metrics = next(iter(TABLES.values()))
    swapped = run(tmp_path, [metrics], swap=True)
    assert swapped.returncode != 0
    for name in CASES:
        assert f"{name} fires" in swapped.stdout + swapped.stderr, name


def test_thresholds_come_from_the_config():
    metrics = next(iter(TABLES.values()))
    changed = AlertsConfig(waiting_requests=7, waiting_minutes=3, ttft_slo_seconds=2.5, ttft_quantile=0.99,
                           group_recreations_per_hour=5)
    rules = {rule.name: rule for rule in alert_rules(metrics, TARGET, changed)}
    assert rules["RequestsQueued"].expr.endswith("> 7") and rules["RequestsQueued"].minutes == 3
    assert rules["TimeToFirstTokenAboveSlo"].expr.startswith("histogram_quantile(0.99,")
    assert rules["TimeToFirstTokenAboveSlo"].expr.endswith("> 2.5")
    assert rules["GroupRestartStorm"].expr.endswith("- 1 > 5")


def test_a_missing_promtool_fails_with_the_install_hint(monkeypatch, tmp_path):
    monkeypatch.delenv("PROMTOOL", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(promtool, "LOCAL", tmp_path / "promtool")
    with pytest.raises(pytest.fail.Exception, match="make promtool"):
        promtool.find()


def test_every_alert_has_its_runbook_line_in_the_readme():
    readme = (promtool.ROOT / "README.md").read_text()
    for rule in alert_rules(next(iter(TABLES.values())), TARGET, CONFIG):
        assert f'<a id="{rule.runbook.split("#")[1]}"></a>**{rule.name}**' in readme, rule.name
