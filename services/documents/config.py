from pydantic_settings import SettingsConfigDict

from services.runtime.settings import InfraSettings

MIB = 1024 * 1024


class DocumentsSettings(InfraSettings):
    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_", extra="ignore")

    http_port: int = 18081
    documents_bucket: str = "documents"
    quarantine_bucket: str = "quarantine"  # where the claims API streams uploads (CLAIMS_QUARANTINE_BUCKET)
    quarantine_expiry_days: int = 7  # a MinIO lifecycle rule deletes uploads after this; 0 keeps them
    # and the copies filed from the uploads of claims never submitted go as well, looked for this often
    unsubmitted_sweep_interval_s: float = 3600
    max_file_bytes: int = 10 * MIB  # the claims API's CLAIMS_MAX_UPLOAD_BYTES
    max_claim_bytes: int = 40 * MIB  # the claims API's CLAIMS_MAX_CLAIM_BYTES
    max_pdf_pages: int = 20
    max_image_pixels: int = 50_000_000  # a 600 dpi A4 scan is 35 MP, a 50 MP phone photo 8160 x 6120
    clamd_socket: str = "/var/run/clamav/clamd.ctl"  # scanned with clamd only when this socket exists
    clamd_timeout_s: float = 60.0
    antivirus_required: bool = False  # true: refuse to start without the clamd socket
