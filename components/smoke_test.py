"""Day 1: once every group runs the new revision, prove the endpoint answers a reasoning request."""

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from config import names
from config.schema import ModelConfig, ServingConfig
from config.timeouts import SMOKE_ATTEMPTS, SMOKE_REQUEST_SECONDS

from .python_job import SECRETS_DIR, JobImage, PythonJob

MAX_TOKENS = 2048
"""Room to think: R1 reasons for hundreds of tokens before it answers even a small sum."""


@dataclass(frozen=True)
class SmokeTestArgs:
    serving: ServingConfig
    model: ModelConfig
    image: JobImage
    timeout_minutes: int
    namespace: pulumi.Input[str]
    service_url: pulumi.Input[str]
    rolled_out: pulumi.Resource
    """The rollout gate: the smoke test runs against the new revision only."""
    template_hash: str
    """The revision it checks: a new revision runs it again."""
    api_key_secret_name: pulumi.Input[str] | None
    provider: k8s.Provider


class SmokeTest(pulumi.ComponentResource):
    """A Job that sends one reasoning request; `pulumi up` fails when the answer is not a full one."""

    job_name: str
    logs_command: pulumi.Output[str]
    """Where to look when `pulumi up` reports the smoke test failed."""

    def __init__(self, name: str, args: SmokeTestArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:inference:SmokeTest", name, None, opts)
        serving = args.serving
        self.job_name = names.smoke_test_job(serving.name, args.template_hash)
        env = {"API_KEY_FILE": f"{SECRETS_DIR}/api-key"} if args.api_key_secret_name is not None else {}
        reasoning = ["--expect-reasoning"] if serving.reasoning_parser else []
        PythonJob(
            name=self.job_name,
            namespace=args.namespace,
            module="smoke_test.py",
            args=["--url", args.service_url, "--model", args.model.served_name, "--max-tokens", str(MAX_TOKENS),
                  # The tries and the time each may take are what the smoke test's derived deadline covers.
                  "--timeout", str(SMOKE_REQUEST_SECONDS), "--attempts", str(SMOKE_ATTEMPTS), *reasoning],
            image=args.image,
            timeout_minutes=args.timeout_minutes,
            cpu="500m",
            memory="512Mi",
            env=env,
            secret_name=args.api_key_secret_name,
        ).declare(f"{name}-smoke-test", pulumi.ResourceOptions(parent=self, provider=args.provider,
                                                                depends_on=[args.rolled_out]))
        self.logs_command = pulumi.Output.concat("kubectl -n ", args.namespace, f" logs job/{self.job_name}")
        self.register_outputs({"job_name": self.job_name, "logs_command": self.logs_command})
