"""Read-only HTTP API of the eligibility service: the estimate a signed-in insured sees before filing, from their
own registry record, by the same rules as their claim; and the periods and deadlines those rules apply."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from services.eligibility.estimate import EstimateRequest, estimate
from services.eligibility.registry import InsuredRegistry
from services.eligibility.rules import PERIODS, RevaluationTable
from services.eligibility.rules.periods import AGE_RULE
from services.runtime.auth import INSURED_ROLE, Caller
from services.runtime.problems import ApiError, ProblemRoute, problems


def _today() -> date:
    return datetime.now(UTC).date()


def eligibility_router(
    registry: InsuredRegistry, revaluation: RevaluationTable, current_caller: Any, today: Callable[[], date] = _today
) -> APIRouter:
    router = APIRouter(tags=["eligibility"], route_class=ProblemRoute)

    @router.get("/filing-rules")
    async def filing_rules() -> dict[str, Any]:
        """The periods, filing deadlines and pension ages the rules apply (DOMAIN.md section 2), for the pages that
        tell who can ask and until when; public, as the decree they come from."""
        return {"periods": [period.model_dump(mode="json") for period in PERIODS], "ages": AGE_RULE.model_dump()}

    @router.post("/estimate", responses=problems(401, 403, 404, 503))
    async def estimate_for_caller(
        request: EstimateRequest, caller: Annotated[Caller, Depends(current_caller)]
    ) -> dict[str, Any]:
        """The decision a claim filed today would get (the DecisionSummary of `claim.decided`), each condition met
        or not in French and Arabic (`conditions`), and the registry's facts it starts from (`registry`); 404
        `insured_unknown` when the registry has no record of the insured."""
        number = whose_record(request, caller)
        career = await registry.find(number)
        if career is None:
            raise ApiError(status.HTTP_404_NOT_FOUND, "insured_unknown", "the registry has no record of this insured")
        return estimate(career, request, today(), revaluation)

    return router


def whose_record(request: EstimateRequest, caller: Caller) -> str:
    """An insured sees only their own record; an agent names the insured."""
    if caller.is_agent:
        if request.registration_number is None:
            raise ApiError(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                "registration_number_required",
                "registration_number: required for an agent",
            )
        return request.registration_number
    if INSURED_ROLE not in caller.roles:
        raise ApiError(status.HTTP_403_FORBIDDEN, "insured_role_required", "the insured role is required")
    if request.registration_number not in (None, caller.subject):
        raise ApiError(status.HTTP_403_FORBIDDEN, "not_own_record", "an insured sees only their own record")
    return caller.subject
