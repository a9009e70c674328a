"""Send one chat completion to the deployed service and check the answer (the guide's step 3, automated).

Runs in the smoke-test Job after the LeaderWorkerSet is Available; `pulumi up` fails when this fails. Tested
locally against an OpenAI-compatible stand-in server.
"""

import argparse
import os
import sys
import time

import requests


class SmokeTestFailure(Exception):
    """The service did not answer as an OpenAI-compatible chat endpoint should."""


def check(base_url: str, model: str, api_key: str | None, prompt: str, max_tokens: int, timeout: float) -> str:
    """One request; returns the answer's text or raises SmokeTestFailure saying what was wrong."""
    url = f"{base_url.rstrip('/')}/v1/chat/completions"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    body = {"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens,
            "temperature": 0.7}
    try:
        response = requests.post(url, json=body, headers=headers, timeout=timeout)
    except requests.Timeout:
        raise SmokeTestFailure(f"no answer from {url} within {timeout:g}s") from None
    except requests.ConnectionError as error:
        raise SmokeTestFailure(f"cannot reach {url}: {error}") from None
    if response.status_code == 401:
        raise SmokeTestFailure("401 Unauthorized: the API key was rejected (check the api-key Secret)")
    if response.status_code >= 500:
        raise SmokeTestFailure(f"server error {response.status_code}: {response.text[:200]}")
    if response.status_code != 200:
        raise SmokeTestFailure(f"unexpected HTTP {response.status_code}: {response.text[:200]}")
    try:
        answer = response.json()
    except ValueError:
        raise SmokeTestFailure(f"malformed JSON in the answer: {response.text[:200]!r}") from None
    return _content(answer)


def _content(answer: object) -> str:
    choices = answer.get("choices") if isinstance(answer, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise SmokeTestFailure(f"not a chat completion (no choices): {str(answer)[:200]}")
    message = choices[0].get("message") or {}
    text = (message.get("content") or "") + (message.get("reasoning_content") or "")
    if not text.strip():
        raise SmokeTestFailure("the completion has empty content")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base URL of the service, e.g. http://svc.ns:8000")
    parser.add_argument("--model", required=True, help="served model name")
    parser.add_argument("--prompt", default="Tell me about deep learning.")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for one answer")
    parser.add_argument("--attempts", type=int, default=3, help="tries before failing (transient errors)")
    parser.add_argument("--retry-delay", type=float, default=10)
    args = parser.parse_args(argv)
    api_key_file = os.environ.get("API_KEY_FILE")
    api_key = open(api_key_file).read().strip() if api_key_file else None
    for attempt in range(1, args.attempts + 1):
        try:
            text = check(args.url, args.model, api_key, args.prompt, args.max_tokens, args.timeout)
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
