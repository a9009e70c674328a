"""Day 1: after the workload is Available, prove the endpoint answers a chat completion."""

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from config.schema import JobsConfig, ModelConfig, ServingConfig

from .python_job import SECRETS_DIR, PythonJob, fingerprint


@dataclass(frozen=True)
class SmokeTestArgs:
    serving: ServingConfig
    model: ModelConfig
    jobs: JobsConfig
    namespace: pulumi.Input[str]
    service_url: pulumi.Input[str]
    workload: pulumi.Resource
    """The LeaderWorkerSet: the smoke test runs once it is Available."""
    api_key_secret_name: pulumi.Input[str] | None
    provider: k8s.Provider


class SmokeTest(pulumi.ComponentResource):
    """A Job that sends the guide's chat completion; `pulumi up` fails when it does."""

    job_name: str
    logs_command: pulumi.Output[str]
    """Where to look when `pulumi up` reports the smoke test failed."""

    def __init__(self, name: str, args: SmokeTestArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:inference:SmokeTest", name, None, opts)
        # Named after what it checks, so any change to the serving or the model runs it again.
        self.job_name = f"{args.serving.name}-smoke-{fingerprint(args.serving.model_dump(mode='json'), args.model.model_dump(mode='json'))}"
        env = {"API_KEY_FILE": f"{SECRETS_DIR}/api-key"} if args.api_key_secret_name is not None else {}
        PythonJob(
            name=self.job_name,
            namespace=args.namespace,
            module="smoke_test.py",
            args=["--url", args.service_url, "--model", args.model.served_name, "--timeout", "300",
                  "--attempts", "3"],
            jobs=args.jobs,
            timeout_minutes=args.jobs.smoke_test_timeout_minutes,
            cpu="1",
            memory="1Gi",
            env=env,
            secret_name=args.api_key_secret_name,
        ).declare(f"{name}-smoke-test", pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[args.workload]))
        self.logs_command = pulumi.Output.concat("kubectl -n ", args.namespace, f" logs job/{self.job_name}")
        self.register_outputs({"job_name": self.job_name, "logs_command": self.logs_command})
