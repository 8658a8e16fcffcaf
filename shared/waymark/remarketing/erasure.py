"""Erasing a customer by email: every booking remarketing keeps of them, and the conversions' customer fields.

What to erase is found through the sparse email-index (the keyed email hash on the customer
item, its planned sends and the suppression), never by a scan. Each booking's remarketing
partition (`CUSTOMER#<conversion id>`: the customer, the planned and sent emails, the offer
clicks) and its offer reference are deleted; the conversion keeps its amounts and ids for the
books and loses the booking reference. The suppression is written, or kept, so the address is
never mailed again (docs/security.md "Personal data").
"""

import json
import os
from dataclasses import dataclass

from pynamodb.exceptions import PutError, UpdateError

from waymark.core import aws
from waymark.core.times import iso, utcnow
from waymark.models import Conversion, Customer, RemarketingOfferRef, Suppression
from waymark.programs import changes
from waymark.remarketing.tokens import email_hash, normalize_email, offer_id

CUSTOMER_PREFIX = "CUSTOMER#"


@dataclass(frozen=True)
class Erased:
    bookings: int  # bookings whose remarketing data and customer fields were erased


def request_erasure(email: str, *, program_id: str, by: str) -> None:
    """Queue the erasure for ErasureFunction, the one function holding the email hash key (the console's
    functions never do); it runs within seconds and records itself in the change record."""
    body = {"email": normalize_email(email), "program_id": program_id, "by": by}
    aws.client("sqs").send_message(QueueUrl=os.environ["ERASURE_QUEUE_URL"], MessageBody=json.dumps(body))


def erasure_job(body: str) -> Erased:
    """One queued erasure; repeating it is harmless (what is gone stays gone, the suppression is kept)."""
    request = json.loads(body)
    erased = erase_customer(request["email"])
    entry = changes.record(
        request["program_id"],
        by=request["by"],
        subject="customer",
        action="erase",
        before=None,
        after={"personal_data": "erased", "bookings": erased.bookings},
    )
    entry.save()
    return erased


def bookings_of(hashed: str) -> list[str]:
    """The conversion ids of every booking remarketing keeps under this email hash (a Query on email-index)."""
    client = aws.client("dynamodb")
    request = {
        "TableName": Customer.Meta.table_name,
        "IndexName": "email-index",
        "KeyConditionExpression": "email_hash = :hash",
        "ExpressionAttributeValues": {":hash": {"S": hashed}},
    }
    found: set[str] = set()
    while True:
        page = client.query(**request)
        for item in page.get("Items", []):
            pk = item["pk"]["S"]
            if pk.startswith(CUSTOMER_PREFIX):
                found.add(pk.removeprefix(CUSTOMER_PREFIX))
        if "LastEvaluatedKey" not in page:
            return sorted(found)
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def erase_customer(email: str) -> Erased:
    hashed = email_hash(email)
    _keep_suppressed(hashed)
    bookings = bookings_of(hashed)
    for conversion_id in bookings:
        _erase_booking(conversion_id)
    return Erased(len(bookings))


def _keep_suppressed(hashed: str) -> None:
    item = Suppression(*Suppression.key(hashed), email_hash=hashed, source="admin", created_at=iso(utcnow()))
    try:
        item.save(condition=Suppression.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def _erase_booking(conversion_id: str) -> None:
    client = aws.client("dynamodb")
    table = Customer.Meta.table_name
    request = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"{CUSTOMER_PREFIX}{conversion_id}"}},
        "ProjectionExpression": "pk, sk",
        "ConsistentRead": True,
    }
    while True:
        page = client.query(**request)
        for key in page.get("Items", []):
            client.delete_item(TableName=table, Key=key)
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    pk, sk = RemarketingOfferRef.key(offer_id(conversion_id))
    client.delete_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}})
    try:
        Conversion(conversion_id).update(
            actions=[Conversion.booking_ref.remove(), Conversion.updated_at.set(iso(utcnow()))],
            condition=Conversion.conversion_id.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
