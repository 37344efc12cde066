"""The documents service: checks each uploaded scan and files it under the claim's prefix."""

from fastapi import FastAPI

from contracts import DocumentsIncomplete, DocumentsVerified, Topic
from services.documents.adapters.antivirus import NoScanner, scanner_for
from services.documents.adapters.quarantine import expire_quarantine
from services.documents.api import documents_router
from services.documents.config import DocumentsSettings
from services.documents.file_checks import Limits
from services.documents.handlers import register
from services.documents.repository import CheckRecordsRepository
from services.documents.use_cases import Buckets, CheckDocuments, CheckUpload
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
    check_documents = CheckDocuments(runtime.store, check_upload, settings.max_claim_bytes, buckets, records)
    register(runtime.broker, check_documents, relay, settings.partition_workers())
    runtime.startup_steps.append(
        lambda: runtime.store.ensure_buckets(settings.documents_bucket, settings.quarantine_bucket)
    )
    runtime.startup_steps.append(
        lambda: expire_quarantine(runtime.store, settings.quarantine_bucket, settings.quarantine_expiry_days)
    )
    return runtime.http_app(documents_router(check_upload))
