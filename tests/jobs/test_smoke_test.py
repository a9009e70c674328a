"""The smoke test against an OpenAI-compatible stand-in on loopback that answers like a reasoning engine would,
well or in each of the ways a broken deployment does."""

import json

import pytest
import smoke_test  # as the Job imports it (tests/jobs/__init__.py)
from smoke_test import EXPECTED, SmokeTestFailure, ask, check

from tests.jobs.chat_standin import chat_standin


def completion(content, reasoning=None, finish="stop") -> dict:
    """An OpenAI chat completion as vLLM returns it (reasoning_content when its parser is on)."""
    message = {"role": "assistant", "content": content, "tool_calls": []}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    return {"id": "chatcmpl-4bc78b66", "object": "chat.completion", "created": 1739501401, "model": "ds",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish,
                         "stop_reason": None}],
            "usage": {"prompt_tokens": 17, "total_tokens": 1131, "completion_tokens": 1114}}


THOUGHT = "17 x 23 = 17 x 20 + 17 x 3 = 340 + 51 = 391."
GOOD = completion("17 multiplied by 23 is 391.", reasoning=THOUGHT)


def answering(status: int, payload: bytes, delay: float = 0.0, key: str | None = None, seen: list | None = None):
    def respond(headers, body):
        if seen is not None:
            seen.append((headers, body))
        if key is not None and headers.get("Authorization") != f"Bearer {key}":
            return 401, b'{"error": {"message": "Unauthorized"}}', 0.0
        return status, payload, delay

    return respond


def test_a_reasoned_answer_passes_and_the_request_leaves_room_to_think():
    seen = []
    with chat_standin(answering(200, json.dumps(GOOD).encode(), key="k-1", seen=seen)) as url:
        answer = ask(url, "ds", "k-1", smoke_test.PROMPT, 2048, timeout=5)
    assert check(answer, EXPECTED, expect_reasoning=True) == "17 multiplied by 23 is 391."
    headers, body = seen[0]
    assert headers["Authorization"] == "Bearer k-1"
    assert body["model"] == "ds" and body["max_tokens"] == 2048 and "temperature" not in body  # the model's defaults
    assert body["messages"] == [{"role": "user", "content": smoke_test.PROMPT}]


def test_newer_engines_reasoning_field_counts_too():
    answer = completion("391", reasoning=None)
    answer["choices"][0]["message"]["reasoning"] = THOUGHT
    assert check(answer, EXPECTED, expect_reasoning=True) == "391"


@pytest.mark.parametrize(("answer", "reasoning_parser", "expected"), [
    (completion("17 x 23 is", reasoning=THOUGHT, finish="length"), True, "did not finish .*'length'"),
    (completion("", reasoning=THOUGHT), True, "empty content \\(only reasoning came back\\)"),
    (completion("391"), True, "no reasoning came back apart from the answer"),
    (completion("<think>17 x 23...</think>\n391", reasoning=""), True, "no reasoning came back"),
    (completion("<think>hmm</think> 391", reasoning="hmm"), True, "still holds <think> markup"),
    (completion("Paris is the capital of France.", reasoning=THOUGHT), True, "does not contain '391'"),
    ({"object": "list", "data": []}, False, "no choices"),
])
def test_each_broken_answer_fails_with_its_reason(answer, reasoning_parser, expected):
    with pytest.raises(SmokeTestFailure, match=expected):
        check(answer, EXPECTED, expect_reasoning=reasoning_parser)


def test_without_a_reasoning_parser_the_answer_alone_is_checked():
    assert check(completion("<think>...</think> It is 391."), EXPECTED, expect_reasoning=False)


@pytest.mark.parametrize(("status", "payload", "expected"), [
    (500, b'{"error": "engine dead"}', "server error 500"),
    (503, b"loading", "server error 503"),
    (200, b"{not json", "malformed JSON"),
    (404, b'{"detail": "Not Found"}', "unexpected HTTP 404"),
])
def test_bad_responses_fail_with_a_clear_message(status, payload, expected):
    with chat_standin(answering(status, payload)) as url:
        with pytest.raises(SmokeTestFailure, match=expected):
            ask(url, "ds", None, "hi", 1024, timeout=5)


def test_a_rejected_api_key_says_so():
    with chat_standin(answering(200, json.dumps(GOOD).encode(), key="right")) as url:
        with pytest.raises(SmokeTestFailure, match="401 Unauthorized: the API key was rejected"):
            ask(url, "ds", "wrong", "hi", 1024, timeout=5)


def test_a_slow_service_times_out():
    with chat_standin(answering(200, json.dumps(GOOD).encode(), delay=2.0)) as url:
        with pytest.raises(SmokeTestFailure, match=r"no answer from .* within 0.5s"):
            ask(url, "ds", None, "hi", 1024, timeout=0.5)


def test_an_unreachable_service_fails():
    with pytest.raises(SmokeTestFailure, match="cannot reach"):
        ask("http://127.0.0.1:9", "ds", None, "hi", 1024, timeout=2)


def test_command_line_reads_the_key_file_and_exits_by_outcome(tmp_path, monkeypatch, capsys):
    key = tmp_path / "api-key"
    key.write_text("k-9\n")
    monkeypatch.setenv("API_KEY_FILE", str(key))
    with chat_standin(answering(200, json.dumps(GOOD).encode(), key="k-9")) as url:
        assert smoke_test.main(["--url", url, "--model", "ds", "--attempts", "1", "--expect-reasoning"]) == 0
    assert "smoke test passed" in capsys.readouterr().out
    with chat_standin(answering(500, b"boom")) as url:
        assert smoke_test.main(["--url", url, "--model", "ds", "--attempts", "2", "--retry-delay", "0"]) == 1
    err = capsys.readouterr().err
    assert "attempt 1/2" in err and "smoke test failed: server error 500" in err


def test_the_command_line_refuses_too_few_tokens_for_a_reasoning_model():
    with pytest.raises(SystemExit):
        smoke_test.main(["--url", "http://x", "--model", "ds", "--max-tokens", "64"])
