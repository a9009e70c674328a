"""A stand-in for OSS's S3-compatible API: a real S3 server (moto) behind the checks OSS makes and moto does not.

Run as `python -m tests.jobs.oss_standin --port P --endpoint-host H [--cert C --key K]`. What it refuses, each as
OSS answers it (config/platform/oss.py and the research notes cite every rule):

- path-style requests (bucket in the path of the bare endpoint): 403 SecondLevelDomainForbidden;
- `Content-Encoding: aws-chunked` or an `x-amz-trailer`: 400 InvalidArgument, EC 0017-00000804;
- a streaming `x-amz-content-sha256` (STREAMING-UNSIGNED-PAYLOAD-TRAILER, ...): 501 NotImplemented
  "Aws MultiChunkedEncoding ... is not supported.";
- a part number outside 1..10000: 400 InvalidArgument, EC 0017-00000220;
- a part larger than --max-part-bytes (5 GiB on OSS): 400 EntityTooLarge;
- a wrong Content-MD5: 400 InvalidDigest; DeleteObjects without Content-MD5: 400 (EC 0016-00000606);
- parts below 100 KB but the last: EntityTooSmall at CompleteMultipartUpload (moto, S3_UPLOAD_PART_MIN_SIZE).

User metadata (`x-amz-meta-*`) is not returned: OSS documents no mapping of it for S3 reads, so nothing may rely
on it. Every request it refused is appended to --log (one JSON line each), for the tests to inspect.
"""

import argparse
import base64
import hashlib
import json
import os
import ssl
from urllib.parse import parse_qs

MAX_PARTS = 10_000
MIN_PART_BYTES = 100 * 1024


def error(status: str, code: str, message: str, ec: str | None = None) -> tuple[str, bytes, list]:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f'<RequestId>5C3D9175B6FC201293AD****</RequestId>' + (f"<EC>{ec}</EC>" if ec else "") + "</Error>")
    headers = [("Content-Type", "application/xml"), ("Server", "AliyunOSS")] + ([("x-oss-ec", ec)] if ec else [])
    return status, body.encode(), headers


def refusal(environ: dict, endpoint_host: str, max_part_bytes: int, body: bytes | None) -> tuple | None:
    """The OSS error for this request, or None when OSS would accept it."""
    host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if host == endpoint_host and path.strip("/"):
        return error("403 Forbidden", "SecondLevelDomainForbidden", "Please use virtual hosted style to access.")
    sha256 = environ.get("HTTP_X_AMZ_CONTENT_SHA256", "")
    if "aws-chunked" in environ.get("HTTP_CONTENT_ENCODING", "") or "HTTP_X_AMZ_TRAILER" in environ:
        return error("400 Bad Request", "InvalidArgument",
                     "aws-chunked encoding is not supported with the specified x-amz-content-sha256 value.",
                     "0017-00000804")
    if sha256.startswith("STREAMING-"):
        return error("501 Not Implemented", "NotImplemented", f"Aws MultiChunkedEncoding {sha256} is not supported.")
    if "partNumber" in query:
        number = query["partNumber"][0]
        if not number.isdigit() or not 1 <= int(number) <= MAX_PARTS:
            return error("400 Bad Request", "InvalidArgument",
                         f"Part number must be an integer between 1 and {MAX_PARTS}, inclusive.", "0017-00000220")
        if int(environ.get("CONTENT_LENGTH") or 0) > max_part_bytes:
            return error("400 Bad Request", "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.")
    md5 = environ.get("HTTP_CONTENT_MD5")
    if md5 is not None and body is not None and base64.b64encode(hashlib.md5(body).digest()).decode() != md5:  # noqa: S324
        return error("400 Bad Request", "InvalidDigest", "The Content-MD5 you specified was invalid.")
    if environ.get("REQUEST_METHOD") == "POST" and "delete" in query and md5 is None:
        return error("400 Bad Request", "InvalidDigest", "The Content-MD5 request header is missing in the "
                     "DeleteMultipleObjects request.", "0016-00000606")
    return None


class OssRules:
    """WSGI middleware: refuse what OSS refuses, hide user metadata, pass everything else to the S3 server."""

    def __init__(self, app, endpoint_host: str, max_part_bytes: int, log_path: str | None):
        self.app, self.endpoint_host, self.max_part_bytes, self.log_path = app, endpoint_host, max_part_bytes, log_path

    def __call__(self, environ, start_response):
        body = None
        if environ.get("HTTP_CONTENT_MD5") is not None and environ.get("CONTENT_LENGTH"):
            import io

            body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
            environ["wsgi.input"] = io.BytesIO(body)
        refused = refusal(environ, self.endpoint_host, self.max_part_bytes, body)
        if refused is not None:
            if body is None:  # take the whole request, as OSS does, so the client reads the error
                from werkzeug.wsgi import get_input_stream

                get_input_stream(environ).read()
            status, payload, headers = refused
            self._log(environ, status)
            start_response(status, headers + [("Content-Length", str(len(payload)))])
            return [payload]

        def without_user_metadata(status, headers, exc_info=None):
            kept = [(name, value) for name, value in headers if not name.lower().startswith("x-amz-meta-")]
            return start_response(status, kept + [("Server", "AliyunOSS")], exc_info)

        return self.app(environ, without_user_metadata)

    def _log(self, environ: dict, status: str) -> None:
        if self.log_path:
            with open(self.log_path, "a") as handle:
                handle.write(json.dumps({"status": status, "method": environ.get("REQUEST_METHOD"),
                                         "path": environ.get("PATH_INFO"), "host": environ.get("HTTP_HOST")}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--endpoint-host", required=True, help="the S3 endpoint's host (requests to it alone are "
                        "path-style)")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--max-part-bytes", type=int, default=5 * 1024**3)
    parser.add_argument("--log")
    args = parser.parse_args()
    os.environ["S3_UPLOAD_PART_MIN_SIZE"] = str(MIN_PART_BYTES)  # OSS: 100 KB, not S3's 5 MiB
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = OssRules(DomainDispatcherApplication(create_backend_app), args.endpoint_host, args.max_part_bytes, args.log)
    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    make_server("127.0.0.1", args.port, app, threaded=True, ssl_context=context).serve_forever()


if __name__ == "__main__":
    main()
