from services.receipts.app import create_app
from services.receipts.config import ReceiptsSettings
from services.runtime.http import run_service

run_service("receipts", create_app, ReceiptsSettings())
