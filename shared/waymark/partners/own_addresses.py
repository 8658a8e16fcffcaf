"""The visitor IP hashes a partner itself signs in from, so a sale from the same address is held as self-referral.

A partner's portal sign-in (the login page and POST /api/login) adds the keyed hash of its
address (waymark.core.signing_keys.visitor_hash, the same hash clicks store) to Agent.ip_hashes.
The postback compares the click's hash with them (waymark.conversions.fraud). No address is
stored, only its hash; the set is bounded, and a failure here never stops a sign-in.
"""

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from waymark.core import aws, signing_keys
from waymark.models import Agent

logger = Logger(child=True)

MAX_IP_HASHES = 20  # enough for home, office and phone; a partner signing in from everywhere stops adding


def remember_sign_in(agent_id: str, source_ip: str) -> None:
    """Add the hash of `source_ip` to the partner's own addresses (one conditional UpdateItem)."""
    if not source_ip:
        return
    try:
        ip_hash = signing_keys.visitor_hash(source_ip)
        aws.client("dynamodb").update_item(
            TableName=Agent.Meta.table_name,
            Key={"agent_id": {"S": agent_id}},
            UpdateExpression="ADD ip_hashes :hashes",
            ConditionExpression=(
                "attribute_exists(agent_id) AND "
                "(attribute_not_exists(ip_hashes) OR size(ip_hashes) < :max OR contains(ip_hashes, :hash))"
            ),
            ExpressionAttributeValues={
                ":hashes": {"SS": [ip_hash]},
                ":hash": {"S": ip_hash},
                ":max": {"N": str(MAX_IP_HASHES)},
            },
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            logger.warning("could not remember the partner's address hash", extra={"error": str(error)})
    except (BotoCoreError, RuntimeError, KeyError) as error:  # no key: sign-in goes on
        logger.warning("could not remember the partner's address hash", extra={"error": str(error)})
