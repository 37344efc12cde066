"""MinIO through the official SDK, which blocks: every call runs in a worker thread."""

import asyncio
import io
from datetime import timedelta
from typing import BinaryIO

from minio import Minio
from minio.error import S3Error


class ObjectMissing(LookupError):
    """The bucket or the object does not exist."""


_MISSING = ("NoSuchKey", "NoSuchObject", "NoSuchBucket")


class ObjectStore:
    def __init__(self, endpoint: str, access_key: str, secret_key: str, secure: bool) -> None:
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure)

    async def ensure_buckets(self, *buckets: str) -> None:
        def create_missing() -> None:
            for bucket in buckets:
                if not self.client.bucket_exists(bucket):
                    try:
                        self.client.make_bucket(bucket)
                    except S3Error as error:  # another instance created it meanwhile
                        if error.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                            raise

        await asyncio.to_thread(create_missing)

    async def put_stream(self, bucket: str, key: str, stream: BinaryIO, length: int, content_type: str) -> None:
        await asyncio.to_thread(self.client.put_object, bucket, key, stream, length, content_type=content_type)

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        await self.put_stream(bucket, key, io.BytesIO(data), len(data), content_type)

    async def get_bytes(self, bucket: str, key: str, limit: int) -> bytes:
        """The object's content, or the first `limit + 1` bytes so the caller can tell it is too large."""

        def read() -> bytes:
            try:
                response = self.client.get_object(bucket, key, length=limit + 1)
            except S3Error as error:
                if error.code in _MISSING:
                    raise ObjectMissing(f"{bucket}/{key}") from error
                raise
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return await asyncio.to_thread(read)

    async def remove(self, bucket: str, key: str) -> None:
        await asyncio.to_thread(self.client.remove_object, bucket, key)  # S3 answers a missing key as removed

    async def presigned_url(self, bucket: str, key: str, expires: timedelta) -> str:
        return await asyncio.to_thread(self.client.presigned_get_object, bucket, key, expires=expires)

    async def ping(self) -> None:
        await asyncio.to_thread(self.client.list_buckets)
