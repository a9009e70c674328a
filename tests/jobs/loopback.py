"""Real names on loopback: clients under test connect to `https://bkt.s3.oss-cn-hangzhou-internal.aliyuncs.com` or
`https://modelscope.cn` exactly as in production, and this resolver sends them to local stand-in servers.

Only names registered here are redirected, and only for their scheme's port; everything else resolves normally
(and, offline, fails), so a client that reaches for an unexpected host is caught.
"""

import socket
import ssl
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme

ROOT = Path(__file__).resolve().parents[2]


class Resolver:
    """Maps (host suffix, port) to a loopback port while installed."""

    def __init__(self):
        self.routes: dict[tuple[str, int], int] = {}
        self.original = socket.getaddrinfo

    def route(self, suffix: str, port: int, to: int) -> None:
        self.routes[(suffix, port)] = to

    def getaddrinfo(self, host, port, *args, **kwargs):
        for (suffix, routed_port), target in self.routes.items():
            if isinstance(host, str) and (host == suffix or host.endswith("." + suffix)) and int(port or 0) == routed_port:
                return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", target))]
        return self.original(host, port, *args, **kwargs)

    @contextmanager
    def installed(self):
        socket.getaddrinfo = self.getaddrinfo
        try:
            yield self
        finally:
            socket.getaddrinfo = self.original


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.05)


class LocalCA:
    """A throwaway certificate authority: servers get certificates for real names, clients trust only it."""

    def __init__(self, directory: Path):
        self.ca = trustme.CA()
        self.directory = directory
        self.bundle = directory / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.bundle))

    def issue(self, name: str, *hosts: str) -> tuple[Path, Path]:
        cert = self.ca.issue_cert(*hosts)
        cert_path, key_path = self.directory / f"{name}.crt", self.directory / f"{name}.key"
        cert.cert_chain_pems[0].write_to_path(str(cert_path))
        for extra in cert.cert_chain_pems[1:]:
            extra.write_to_path(str(cert_path), append=True)
        cert.private_key_pem.write_to_path(str(key_path))
        return cert_path, key_path


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], certificate: tuple[Path, Path] | None = None):
    """Serve `handler` on a loopback port (over TLS with `certificate`) in a thread; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if certificate:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*map(str, certificate))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads, server.block_on_close = True, False  # never wait for a deliberately slow handler
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def oss_standin(directory: Path, region: str = "cn-hangzhou", tls: bool = True, **options):
    """Start the strict OSS stand-in for `region`'s internal S3 endpoint. Yields (endpoint URL, port, refusal log)."""
    host = f"s3.oss-{region}-internal.aliyuncs.com"
    port = free_port()
    log = directory / f"refused-{port}.jsonl"
    command = [sys.executable, "-m", "tests.jobs.oss_standin", "--port", str(port), "--endpoint-host", host,
               "--log", str(log), *[item for key, value in options.items() for item in (f"--{key.replace('_', '-')}",
                                                                                       str(value))]]
    if tls:
        cert, key = local_ca(directory).issue(f"oss-{port}", host, f"*.{host}")
        command += ["--cert", str(cert), "--key", str(key)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, "the OSS stand-in")
        yield f"{'https' if tls else 'http'}://{host}", port, log
    finally:
        process.terminate()
        process.wait(timeout=10)


_CAS: dict[Path, LocalCA] = {}


def local_ca(directory: Path) -> LocalCA:
    """One CA per directory, so one bundle trusts every stand-in started there."""
    if directory not in _CAS:
        _CAS[directory] = LocalCA(directory)
    return _CAS[directory]
