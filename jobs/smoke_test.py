"""Ask the deployed service one question a reasoning model must think about, and check the whole answer.

Runs in the smoke-test Job once the new revision of every group is Ready (kube_wait.py rollout); `pulumi up`
fails when this fails. Standard library only: it runs in whatever image the Jobs use. Tested against an
OpenAI-compatible stand-in (tests/jobs/test_smoke_test.py).

What passes: HTTP 200 with an OpenAI chat completion whose first choice finished on its own (`finish_reason:
stop`, not cut off at `length`), with a non-empty answer containing the expected text; and, when the engine runs a
reasoning parser, the reasoning returned apart from the answer (`reasoning_content`, or `reasoning` in newer
engines) with no `<think>` markup left in the answer.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

PROMPT = "What is 17 multiplied by 23? Think it through, then state the number."
EXPECTED = "391"


class SmokeTestFailure(Exception):
    """The service did not answer as it must; the message says what was wrong."""


def ask(base_url: str, model: str, api_key: str | None, prompt: str, max_tokens: int, timeout: float) -> dict:
    """One chat completion (the model's own sampling defaults apply); the decoded answer or SmokeTestFailure."""
    url = f"{base_url.rstrip('/')}/v1/chat/completions"
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": prompt}],
                       "max_tokens": max_tokens}).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {api_key}"} if api_key else {})}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (in-cluster http URL)
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode("utf-8", "replace")
    except TimeoutError:
        raise SmokeTestFailure(f"no answer from {url} within {timeout:g}s") from None
    except (urllib.error.URLError, OSError) as error:
        raise SmokeTestFailure(f"cannot reach {url}: {getattr(error, 'reason', error)}") from None
    if status == 401:
        raise SmokeTestFailure("401 Unauthorized: the API key was rejected (check the api-key Secret)")
    if status >= 500:
        raise SmokeTestFailure(f"server error {status}: {text[:200]}")
    if status != 200:
        raise SmokeTestFailure(f"unexpected HTTP {status}: {text[:200]}")
    try:
        return json.loads(text)
    except ValueError:
        raise SmokeTestFailure(f"malformed JSON in the answer: {text[:200]!r}") from None


def check(answer: object, expected: str | None, expect_reasoning: bool) -> str:
    """The answer's text, or SmokeTestFailure naming what is wrong with it."""
    choices = answer.get("choices") if isinstance(answer, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise SmokeTestFailure(f"not a chat completion (no choices): {str(answer)[:200]}")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
    content = message.get("content") or ""
    reasoning = message.get("reasoning_content") or message.get("reasoning") or ""
    if choice.get("finish_reason") != "stop":
        raise SmokeTestFailure(f"the answer did not finish (finish_reason {choice.get('finish_reason')!r}): a reasoning "
                               "model needs room to think; raise serving.max_model_len or the smoke test's max_tokens")
    if not content.strip():
        raise SmokeTestFailure("the completion has empty content" + (" (only reasoning came back)" if reasoning else ""))
    if expect_reasoning:
        if not reasoning.strip():
            raise SmokeTestFailure("no reasoning came back apart from the answer: is the engine's reasoning parser on?")
        if "<think>" in content or "</think>" in content:
            raise SmokeTestFailure("the answer still holds <think> markup: the reasoning parser did not split it")
    if expected and expected not in content:
        raise SmokeTestFailure(f"the answer does not contain {expected!r}: {content[:200]!r}")
    return content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base URL of the service, e.g. http://svc.ns:8000")
    parser.add_argument("--model", required=True, help="served model name")
    parser.add_argument("--prompt", default=PROMPT)
    parser.add_argument("--expect", default=EXPECTED, help="text the answer must contain ('' to skip)")
    parser.add_argument("--expect-reasoning", action="store_true", help="the engine runs a reasoning parser")
    parser.add_argument("--max-tokens", type=int, default=2048)
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for one answer")
    parser.add_argument("--attempts", type=int, default=3, help="tries before failing (transient errors)")
    parser.add_argument("--retry-delay", type=float, default=10)
    args = parser.parse_args(argv)
    if args.max_tokens < 1024:
        parser.error("--max-tokens must leave a reasoning model room to think: at least 1024")
    api_key_file = os.environ.get("API_KEY_FILE")
    api_key = open(api_key_file).read().strip() if api_key_file else None
    for attempt in range(1, args.attempts + 1):
        try:
            answer = ask(args.url, args.model, api_key, args.prompt, args.max_tokens, args.timeout)
            text = check(answer, args.expect or None, args.expect_reasoning)
        except SmokeTestFailure as failure:
            print(f"attempt {attempt}/{args.attempts}: {failure}", file=sys.stderr)
            if attempt == args.attempts:
                print(f"smoke test failed: {failure}", file=sys.stderr)
                return 1
            time.sleep(args.retry_delay)
        else:
            print(f"smoke test passed: {args.model} answered {len(text)} characters: {text[:120]!r}")
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
