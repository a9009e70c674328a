"""The smoke-test checker against a local OpenAI-compatible stand-in on loopback."""

import json

import pytest

from jobs import smoke_test
from jobs.smoke_test import SmokeTestFailure, check
from tests.jobs.servers import chat_handler, serve

GOOD = {"id": "chatcmpl-1", "object": "chat.completion", "model": "ds",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Deep learning is ..."},
                     "finish_reason": "stop"}]}


def answering(status: int, payload: bytes, delay: float = 0.0, key: str | None = None, seen: list | None = None):
    def respond(headers, body):
        if seen is not None:
            seen.append((headers, body))
        if key is not None and headers.get("Authorization") != f"Bearer {key}":
            return 401, b'{"error": "Unauthorized"}', 0.0
        return status, payload, delay

    return chat_handler(respond)


def test_a_good_answer_passes_and_the_request_is_the_guides():
    seen = []
    with serve(answering(200, json.dumps(GOOD).encode(), key="k-1", seen=seen)) as url:
        assert check(url, "ds", "k-1", "Tell me about deep learning.", 64, timeout=5) == "Deep learning is ..."
    headers, body = seen[0]
    assert headers["Authorization"] == "Bearer k-1"
    assert body["model"] == "ds" and body["messages"] == [{"role": "user", "content": "Tell me about deep learning."}]


def test_reasoning_content_counts_as_an_answer():
    answer = {**GOOD, "choices": [{"message": {"role": "assistant", "content": None, "reasoning_content": "Hmm"}}]}
    with serve(answering(200, json.dumps(answer).encode())) as url:
        assert check(url, "ds", None, "hi", 8, timeout=5) == "Hmm"


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (500, b'{"error": "engine dead"}', "server error 500"),
        (503, b"loading", "server error 503"),
        (200, b"{not json", "malformed JSON"),
        (200, json.dumps({**GOOD, "choices": [{"message": {"content": "  "}}]}).encode(), "empty content"),
        (200, json.dumps({"object": "list", "data": []}).encode(), "no choices"),
        (404, b"not found", "unexpected HTTP 404"),
    ],
)
def test_bad_answers_fail_with_a_clear_message(status, payload, expected):
    with serve(answering(status, payload)) as url:
        with pytest.raises(SmokeTestFailure, match=expected):
            check(url, "ds", None, "hi", 8, timeout=5)


def test_a_rejected_api_key_says_so():
    with serve(answering(200, json.dumps(GOOD).encode(), key="right")) as url:
        with pytest.raises(SmokeTestFailure, match="401 Unauthorized: the API key was rejected"):
            check(url, "ds", "wrong", "hi", 8, timeout=5)


def test_a_slow_service_times_out():
    with serve(answering(200, json.dumps(GOOD).encode(), delay=2.0)) as url:
        with pytest.raises(SmokeTestFailure, match=r"no answer from .* within 0.5s"):
            check(url, "ds", None, "hi", 8, timeout=0.5)


def test_an_unreachable_service_fails():
    with pytest.raises(SmokeTestFailure, match="cannot reach"):
        check("http://127.0.0.1:9", "ds", None, "hi", 8, timeout=2)


def test_command_line_reads_the_key_file_and_exits_by_outcome(tmp_path, monkeypatch, capsys):
    key = tmp_path / "api-key"
    key.write_text("k-9\n")
    monkeypatch.setenv("API_KEY_FILE", str(key))
    with serve(answering(200, json.dumps(GOOD).encode(), key="k-9")) as url:
        assert smoke_test.main(["--url", url, "--model", "ds", "--attempts", "1"]) == 0
    assert "smoke test passed" in capsys.readouterr().out
    with serve(answering(500, b"boom")) as url:
        assert smoke_test.main(["--url", url, "--model", "ds", "--attempts", "2", "--retry-delay", "0"]) == 1
    err = capsys.readouterr().err
    assert "attempt 1/2" in err and "smoke test failed: server error 500" in err
