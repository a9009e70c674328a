"""Package indexes the Jobs install their Python dependencies from."""

from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)

PYPI_MIRROR = Fact(
    "https://mirrors.aliyun.com/pypi/simple/",
    Source("https://developer.aliyun.com/mirror/pypi", _READ,
           "Alibaba's open-source mirror of PyPI, reachable from every region (inside China without crossing the "
           "border). Its in-VPC twin mirrors.cloud.aliyuncs.com is known only from public scripts, over http: not "
           "used as a default."),
)
