from aiokafka import ConsumerRecord

from services.runtime.kafka import tolerant_headers


def record(headers: list[tuple[str, bytes]]) -> ConsumerRecord:
    return ConsumerRecord("claims.submitted.v1", 0, 7, 0, 0, b"k", b"{}", None, 1, 2, headers)


async def passed_on(original: ConsumerRecord) -> ConsumerRecord:
    async def parse(given: ConsumerRecord) -> ConsumerRecord:
        return given

    return await tolerant_headers(original, parse)


async def test_a_header_value_that_is_not_utf8_is_read_with_replacement_characters_not_raised():
    original = record([("x-origin", b"\xff\xfe\xc3\x28"), ("event-type", b"ClaimSubmitted")])
    parsed = await passed_on(original)
    assert [(name, value.decode()) for name, value in parsed.headers] == [
        ("x-origin", "\ufffd\ufffd\ufffd("),
        ("event-type", "ClaimSubmitted"),
    ]
    assert (parsed.topic, parsed.offset, parsed.value) == ("claims.submitted.v1", 7, b"{}")
    assert original.headers[0] == ("x-origin", b"\xff\xfe\xc3\x28")  # the record Kafka gave is left as it was


async def test_utf8_headers_reach_the_parser_untouched():
    original = record([("correlation-id", "é-1".encode())])
    assert await passed_on(original) is original


async def test_each_record_of_a_batch_is_read_with_replacement_characters_and_the_batch_stays_whole():
    batch = (record([("x-origin", b"\xff")]), record([("event-type", b"ClaimSubmitted")]))

    async def parse(given: tuple[ConsumerRecord, ...]) -> tuple[ConsumerRecord, ...]:
        return given

    parsed = await tolerant_headers(batch, parse)
    assert [[value.decode() for _, value in r.headers] for r in parsed] == [["\ufffd"], ["ClaimSubmitted"]]
    assert parsed[1] is batch[1]
