"""The documents service: checks each uploaded scan and files it under the claim's prefix."""

from datetime import timedelta

from fastapi import FastAPI

from contracts import DocumentsIncomplete, DocumentsVerified, Topic
from services.documents.adapters.antivirus import NoScanner, scanner_for
from services.documents.adapters.quarantine import expire_quarantine
from services.documents.api import documents_router
from services.documents.config import DocumentsSettings
from services.documents.file_checks import Limits
from services.documents.handlers import register
from services.documents.repository import CheckRecordsRepository, FiledUploadsRepository
from services.documents.use_cases import (
    Buckets,
    CheckDocuments,
    CheckUpload,
    ExpireUnsubmitted,
    FileCopies,
    FileUpload,
)
from services.runtime.service import ServiceRuntime


def create_app(settings: DocumentsSettings) -> FastAPI:
    runtime = ServiceRuntime("documents", settings)
    runtime.publishes(Topic.DOCUMENTS_VERIFIED, DocumentsVerified)
    runtime.publishes(Topic.DOCUMENTS_INCOMPLETE, DocumentsIncomplete)
    scanner = scanner_for(settings.clamd_socket, settings.clamd_timeout_s)
    if settings.antivirus_required and isinstance(scanner, NoScanner):
        raise RuntimeError(f"DOCUMENTS_ANTIVIRUS_REQUIRED is set and there is no clamd at {settings.clamd_socket}")
    limits = Limits(settings.max_file_bytes, settings.max_pdf_pages, settings.max_image_pixels)
    buckets = Buckets(quarantine=settings.quarantine_bucket, documents=settings.documents_bucket)
    collection = runtime.database["reviews"]  # the name of the file checks' records since the first release
    check_upload = CheckUpload(scanner, limits)
    relay = runtime.relay_for(collection)
    records = CheckRecordsRepository(collection, relay.written)
    unsubmitted = runtime.database["unsubmitted_uploads"]
    runtime.index(unsubmitted, "filed_at")
    uploads = FiledUploadsRepository(runtime.database["uploads"], unsubmitted)
    check_documents = CheckDocuments(runtime.store, check_upload, settings.max_claim_bytes, buckets, records, uploads)
    register(runtime.broker, check_documents, relay)
    file_upload = FileUpload(
        check_upload, FileCopies(runtime.store, buckets.documents, limits.max_image_pixels), uploads
    )
    runtime.startup_steps.append(
        lambda: runtime.store.ensure_buckets(settings.documents_bucket, settings.quarantine_bucket)
    )
    runtime.startup_steps.append(
        lambda: expire_quarantine(runtime.store, settings.quarantine_bucket, settings.quarantine_expiry_days)
    )
    if settings.quarantine_expiry_days > 0:
        expiry = timedelta(days=settings.quarantine_expiry_days)
        expire = ExpireUnsubmitted(runtime.store, buckets.documents, uploads, expiry)
        runtime.every(settings.unsubmitted_sweep_interval_s, expire)
    return runtime.http_app(documents_router(file_upload))
