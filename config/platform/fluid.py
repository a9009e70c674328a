"""ack-fluid on ACS: the webhook's sidecar selector."""

from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)

SIDECAR_TARGET_LABEL = Fact(
    "alibabacloud.com/fluid-sidecar-target",
    Source("https://github.com/aliyun-computenest/quickstart-vllm-ack/blob/f22195ba727dff87a650b50efa2c2d6c2a3f587b/"
           ".computenest/ros_templates/acs-ecs.yaml#L799-L801", _READ,
           "ack-fluid 1.0.13 values: `webhook.serverlessInject: {platformKey: alibabacloud.com/fluid-sidecar-target, "
           "platformValue: eci}`; the webhook's objectSelector is {platformKey: platformValue} (ack-fluid 1.0.4 "
           "templates/webhook/webhookconfiguration.yaml), so a pod is sent to it only if its label carries exactly "
           "the chart's platformValue."),
)
"""The pod label ack-fluid's webhook selects on; its value must equal the chart's `platformValue`."""

PURE_ACS_NEEDS_NO_LABEL = Fact(
    True,
    Source("https://www.alibabacloud.com/help/en/cs/user-guide/using-acs-gpu-computing-power-to-build-a-distributed-"
           "deepseek-full-blood-version-reasoning-service", _READ,
           "The guide's pure ACS cluster installs ack-fluid >= 1.0.11 from the App Marketplace with its defaults and "
           "its LWS pods carry only role, compute-class, compute-qos and gpu-model-series labels, mounting the "
           "Dataset's claim (\"If you use Fluid, enter the Fluid dataset name here\"): no fluid-sidecar-target label."),
)
