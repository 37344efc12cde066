"""Public verification of a receipt's code: is it genuine, and what does it cover. Answers only what the
receipt itself prints, the registration number masked."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from services.receipts.rendering.verification import InvalidVerificationCode, verify
from services.receipts.repository import ReceiptsRepository
from services.runtime.problems import ApiError, ProblemRoute, problems


def verification_router(key: bytes, repository: ReceiptsRepository) -> APIRouter:
    router = APIRouter(tags=["verification"], route_class=ProblemRoute)

    @router.get("/verification", responses=problems(400, 404))
    async def verify_receipt(
        t: Annotated[str | None, Query(max_length=4000, description="the token of the receipt's QR code")] = None,
        code: Annotated[str | None, Query(max_length=20, description="the code printed on the receipt")] = None,
    ) -> dict[str, Any]:
        if t:
            try:
                claims = verify(t, key)
            except InvalidVerificationCode as error:
                raise ApiError(status.HTTP_400_BAD_REQUEST, "not_genuine", f"not a genuine receipt: {error}") from error
            return covered(
                claims["reference"], claims["request_date"], claims["registration_number"], claims["document_hashes"]
            )
        if code:
            receipt = await repository.by_verification_code(code.strip().upper())
            if receipt is None:
                raise ApiError(status.HTTP_404_NOT_FOUND, "receipt_not_found", "no receipt has this code")
            return covered(
                receipt["reference"],
                receipt["request_date"],
                receipt["registration_number"],
                receipt["document_hashes"],
            )
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "code_or_token_required",
            "give the QR code's token `t` or the `code`",
        )

    return router


def covered(reference: str, request_date: str, registration_number: str, hashes: list[str]) -> dict[str, Any]:
    return {
        "genuine": True,
        "reference": reference,
        "request_date": request_date,
        "registration_number": "*" * 6 + registration_number[-3:],
        "documents": [digest[:12] for digest in hashes],
    }
