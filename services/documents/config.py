from pydantic_settings import SettingsConfigDict

from services.runtime.settings import InfraSettings


class DocumentsSettings(InfraSettings):
    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_", extra="ignore")

    http_port: int = 18081
    documents_bucket: str = "documents"
    max_file_bytes: int = 10 * 1024 * 1024
    max_pdf_pages: int = 20
