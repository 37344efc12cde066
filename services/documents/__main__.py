from services.documents.app import create_app
from services.documents.config import DocumentsSettings
from services.runtime.http import run_service

run_service("documents", create_app, DocumentsSettings())
