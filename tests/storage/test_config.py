"""The file storage chosen from the environment: local files, or a private S3 bucket; bad
combinations stop the start with a message that says what to set."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from rucher.core import config

CREDENTIALS = {"S3_ACCESS_KEY_ID": "key", "S3_SECRET_ACCESS_KEY": "secret"}


@pytest.fixture(autouse=True)
def no_s3_variables(monkeypatch):
    for name in config.S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def storage_with(monkeypatch, **variables: str) -> dict:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return config.file_storage()


def test_local_files_by_default(monkeypatch):
    assert storage_with(monkeypatch) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_on_an_s3_compatible_server(monkeypatch):
    storage = storage_with(
        monkeypatch,
        S3_BUCKET="rucher",
        S3_ENDPOINT_URL="http://minio:9000",
        S3_PREFIX="/media/",
        **CREDENTIALS,
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "rucher"
    assert options["endpoint_url"] == "http://minio:9000"
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    assert options["location"] == "media"
    assert options["addressing_style"] == "path"  # what MinIO and most others expect
    assert options["default_acl"] is None  # never public-read
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_aws_defaults_to_virtual_hosted_buckets(monkeypatch):
    options = storage_with(monkeypatch, S3_BUCKET="rucher", S3_REGION="eu-west-3", **CREDENTIALS)[
        "OPTIONS"
    ]
    assert options["endpoint_url"] is None
    assert options["region_name"] == "eu-west-3"
    assert options["addressing_style"] == "virtual"
    assert options["location"] == ""


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"S3_BUCKET": "rucher"}, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are missing"),
        (
            {"S3_BUCKET": "rucher", "S3_ACCESS_KEY_ID": "key"},
            "S3_SECRET_ACCESS_KEY is missing",
        ),
        (
            {"S3_BUCKET": "rucher", "S3_ADDRESSING_STYLE": "dns", **CREDENTIALS},
            "S3_ADDRESSING_STYLE='dns' is unknown",
        ),
        (
            {"S3_BUCKET": "rucher", "S3_ENDPOINT_URL": "minio:9000", **CREDENTIALS},
            "S3_ENDPOINT_URL='minio:9000' is not an http:// or https:// address",
        ),
        ({"S3_ENDPOINT_URL": "http://minio:9000"}, "S3_ENDPOINT_URL set but S3_BUCKET is empty"),
    ],
)
def test_bad_combinations_are_refused_at_start(monkeypatch, variables, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        storage_with(monkeypatch, **variables)
