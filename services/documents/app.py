"""The documents service: checks each uploaded scan and files it under the claim's prefix."""

from fastapi import FastAPI

from contracts import DocumentsIncomplete, DocumentsVerified, Topic
from services.documents.config import DocumentsSettings
from services.documents.handlers import register
from services.documents.repository import ReviewsRepository
from services.runtime.service import ServiceRuntime


def create_app(settings: DocumentsSettings) -> FastAPI:
    runtime = ServiceRuntime("documents", settings)
    runtime.publishes(Topic.DOCUMENTS_VERIFIED, DocumentsVerified)
    runtime.publishes(Topic.DOCUMENTS_INCOMPLETE, DocumentsIncomplete)
    collection = runtime.database["reviews"]
    register(runtime.broker, settings, ReviewsRepository(collection), runtime.store,
             runtime.relay_for(collection))
    runtime.startup_steps.append(lambda: runtime.store.ensure_buckets(settings.documents_bucket))
    return runtime.http_app()
