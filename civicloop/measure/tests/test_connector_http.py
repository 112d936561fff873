"""The HTTP layer every connector shares: backoff, and no secrets in messages."""

from __future__ import annotations

import pytest

from civicloop.measure.connectors.http import RetryPolicy, redact


def test_backoff_doubles_waits_for_retry_after_and_is_capped():
    policy = RetryPolicy(base_delay=1, max_delay=30)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert policy.delay(1, retry_after=12) == 12
    assert policy.delay(9) == 30 and policy.delay(1, retry_after=3600) == 30


def test_a_source_tunes_its_policy_in_its_settings():
    policy = RetryPolicy.from_settings({"retry": {"attempts": "6", "base_delay": 5}})
    assert (policy.attempts, policy.base_delay, policy.timeout) == (6, 5.0, 60.0)
    with pytest.raises(ValueError, match="unknown retry setting"):
        RetryPolicy.from_settings({"retry": {"tries": 3}})
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy.from_settings({"retry": {"attempts": 0}})


def test_keys_and_tokens_are_hidden_in_urls():
    url = "https://api.census.gov/data/2022/acs/acs5?get=NAME&for=tract:*&key=abc123"
    assert redact(url) == "https://api.census.gov/data/2022/acs/acs5?get=NAME&for=tract:*&key=***"
    assert "s3cret" not in redact("https://x.org/r.json?$$app_token=s3cret&$limit=5")
