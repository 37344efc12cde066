from types import SimpleNamespace

import pytest
from aiokafka import errors
from aiokafka.consumer.group_coordinator import GroupCoordinator

from services.runtime.offset_fetch import check_offset_fetch_errors, raise_group_error


class Coordinator:
    group_id = "documents"

    def __init__(self) -> None:
        self.dead = False

    def coordinator_dead(self) -> None:
        self.dead = True


@pytest.mark.parametrize(
    "code, error, rediscovers",
    [
        (14, errors.GroupLoadInProgressError, False),
        (15, errors.GroupCoordinatorNotAvailableError, True),
        (16, errors.NotCoordinatorForGroupError, True),
    ],
)
def test_a_group_level_error_is_raised_as_retriable_instead_of_read_as_no_committed_offset(code, error, rediscovers):
    coordinator = Coordinator()
    with pytest.raises(error) as raised:
        raise_group_error(coordinator, SimpleNamespace(error_code=code, topics=[]))
    assert raised.value.retriable
    assert coordinator.dead is rediscovers


def test_a_group_level_error_that_retrying_cannot_fix_is_raised_as_such():
    with pytest.raises(errors.KafkaError, match="GroupAuthorizationFailedError") as raised:
        raise_group_error(Coordinator(), SimpleNamespace(error_code=30, topics=[]))
    assert not raised.value.retriable


@pytest.mark.parametrize("response", [SimpleNamespace(error_code=0, topics=[]), SimpleNamespace(topics=[])])
def test_an_answer_without_group_error_goes_through(response):
    raise_group_error(Coordinator(), response)


def test_the_check_is_installed_once():
    check_offset_fetch_errors()
    installed = GroupCoordinator._send_req
    check_offset_fetch_errors()
    assert GroupCoordinator._send_req is installed and installed.checks_offset_fetch_errors
