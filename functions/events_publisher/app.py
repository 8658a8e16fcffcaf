"""Streams of ConversionsTable, AgentsTable and PayoutsTable: status changes become events on WaymarkEventBus.

All the batch's events go out in PutEvents calls of ten (waymark.events.bus). The records whose
events EventBridge refused are reported failed, so Lambda starts again at the first of them; events
of later records may then be published twice, which is why every detail carries an event_id.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBStreamEvent

from waymark.events import bus, facts

logger = Logger()
tracer = Tracer()
metrics = Metrics()


def _facts_of(record) -> list[facts.Fact]:
    old, new = record.dynamodb.old_image or None, record.dynamodb.new_image or None
    # The three streams share this function. Only the payouts table's items have a sort key `sk`
    # (its LINE# items are the lines; claims and runs make no event); every conversion item has its
    # id, no partner item has one.
    if "sk" in (new or old or {}):
        return facts.payout_facts(record.event_id or "", old, new)
    if "conversion_id" in (new or old or {}):
        return facts.conversion_facts(record.event_id or "", old, new)
    return facts.partner_facts(record.event_id or "", old, new)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    published: list[facts.Fact] = []
    owners: list[str] = []  # each fact's record (its sequence number, Lambda's item identifier)
    for record in DynamoDBStreamEvent(event).records:
        for fact in _facts_of(record):
            published.append(fact)
            owners.append(record.dynamodb.sequence_number or "")
    failed = bus.put(published) if published else []
    metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=len(published) - len(failed))
    if failed:
        logger.warning("EventBridge refused events; their records will be tried again", extra={"failed": len(failed)})
    refused = dict.fromkeys(owners[i] for i in failed)
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in refused]}
