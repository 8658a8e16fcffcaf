"""Where moto's DynamoDB differs from DynamoDB in ways Waymark depends on, or is needlessly slow, mended.

1. Atomic writes. moto checks a write's condition and stores the item in two unlocked steps,
   so two threads can both pass `attribute_not_exists` and both write (seen: the same order
   recorded twice). DynamoDB serializes writes to an item; here one lock serializes moto's
   write operations. Reads stay concurrent.
2. Transactions. moto applies a transaction's writes one by one, checking each condition
   after the earlier writes, and undoes a failure by restoring a deep copy of every table the
   transaction touches, taken before it starts. DynamoDB checks every condition first and
   writes all or nothing; and a deep copy per transaction makes a stream consumer that keeps
   one marker item per record quadratic (minutes for the 20k-click load run). Here the
   conditions are checked against the state before the transaction, then the writes are
   applied, and a write refused half-way is undone item by item, its stream records included.

3. Table order, computed once per item. moto sorts the whole table on every Query and Scan,
   comparing its DynamoType wrappers, which convert both values anew on each comparison; with
   the 150k items of the remarketing benchmark that is seconds per Query. Here the sort key
   is each item's converted key values, the same order at a fraction of the cost.

4. Service lookup, listed once. moto's server lists its own package folder (a listdir and a
   stat per service) on every request to tell which service a host names; about 6 % of the
   local stack's time under load. The list cannot change while the process runs.

5. Email verification codes. moto 5.2 lacks GetUserAttributeVerificationCode and
   VerifyUserAttribute, which self-signup uses to prove a partner's address. Here the first
   keeps a six-digit code on the user (as moto keeps its ForgotPassword code; no email is sent)
   and the second checks it, marks the email verified and uses the code up, as Cognito does.
   Tests read the code from the user (`email_code`); the local stack lists it at /_local/codes.

6. Keys made on first use. moto gives every KMS key an RSA private key (a 2,048-bit key pair
   generated at CreateKey, ~60 ms) that only asymmetric Sign, Verify and GetPublicKey read, and
   every Cognito user pool parses the same fixed signing key anew (~150 ms: joserfc recovers
   its prime factors). Each embedded AWS provisions two keys and a pool, and the integration
   suite starts hundreds of embedded AWSs. Here a key's RSA pair is generated when first read,
   and the pools share one parsed copy of moto's one signing key.

Development and test tooling only: the local stack and tests/conftest.py apply it before any
request, and tests/integration/test_moto_fixes.py holds it to DynamoDB's documented behaviour.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

_WRITES = ("put_item", "update_item", "delete_item", "batch_write_item")
_lock = threading.RLock()  # re-entrant: a transaction calls put_item/update_item itself
_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend

    for name in _WRITES:
        setattr(DynamoDBBackend, name, _locked(getattr(DynamoDBBackend, name)))
    DynamoDBBackend.transact_write_items = _locked(_transact_write_items)
    from moto.dynamodb.models.table import Table

    Table.all_items = _all_items
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    _add_email_verification()
    _make_keys_on_first_use()
    _applied = True


class _KeyPairOnFirstUse:
    """moto's private key for a KMS key, generated the first time anything reads it."""

    def __init__(self, generate, key_spec: str) -> None:
        self._generate, self._key_spec, self._key = generate, key_spec, None

    def __getattr__(self, name: str):
        if self._key is None:
            self._key = self._generate(self._key_spec)
        return getattr(self._key, name)

    def __deepcopy__(self, memo):
        # Key material never changes once made: a copied backend (tests' snapshots) may share it.
        twin = _KeyPairOnFirstUse(self._generate, self._key_spec)
        twin._key = self._key
        return twin


def _make_keys_on_first_use() -> None:
    from moto.cognitoidp import models as cognito
    from moto.kms import models as kms

    generate = kms.generate_private_key
    kms.generate_private_key = lambda key_spec: _KeyPairOnFirstUse(generate, key_spec)

    parse = cognito.jwk.RSAKey.import_key
    parsed: dict[str, Any] = {}

    def import_key(value, *args, **kwargs):
        # moto passes the same resource file every time; anything else is parsed as asked.
        if args or kwargs or not isinstance(value, dict) or value.get("kid") != "dummy":
            return parse(value, *args, **kwargs)
        if "dummy" not in parsed:
            parsed["dummy"] = parse(value)
        return parsed["dummy"]

    cognito.jwk = _JwkWith(cognito.jwk, import_key)


class _JwkWith:
    """joserfc's jwk module as moto's Cognito sees it, with RSAKey.import_key replaced."""

    def __init__(self, module, import_key) -> None:
        self._module = module
        self.RSAKey = type("RSAKey", (), {"import_key": staticmethod(import_key)})

    def __getattr__(self, name: str):
        return getattr(self._module, name)


def _add_email_verification() -> None:
    import secrets

    from moto.cognitoidp.exceptions import CodeMismatchException, InvalidParameterException
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import ActionResult, EmptyResult

    def _user(response: CognitoIdpResponse, attribute: str):
        if attribute != "email":
            raise InvalidParameterException("only email verification is mended here")
        return response._get_region_agnostic_backend().get_user(access_token=response._get_param("AccessToken"))

    def get_user_attribute_verification_code(self: CognitoIdpResponse) -> ActionResult:
        user = _user(self, self._get_param("AttributeName"))
        user.email_code = f"{secrets.randbelow(1_000_000):06d}"
        email = user.attribute_lookup.get("email", "")
        masked = f"{email[:1]}***@{email.partition('@')[2]}"
        return ActionResult(
            {"CodeDeliveryDetails": {"Destination": masked, "DeliveryMedium": "EMAIL", "AttributeName": "email"}}
        )

    def verify_user_attribute(self: CognitoIdpResponse) -> ActionResult:
        user = _user(self, self._get_param("AttributeName"))
        expected = getattr(user, "email_code", None)
        if not expected or self._get_param("Code") != expected:
            raise CodeMismatchException("Invalid verification code provided, please try again.")
        user.email_code = None
        user.update_attributes([{"Name": "email_verified", "Value": "true"}])
        return EmptyResult()

    CognitoIdpResponse.get_user_attribute_verification_code = get_user_attribute_verification_code
    CognitoIdpResponse.verify_user_attribute = verify_user_attribute


def _all_items(self) -> list:
    """moto's Table.all_items (every item in key order), sorting on keys converted once per item."""
    items = []
    for hash_set in self.items.values():
        if self.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)
    return sorted(
        items, key=lambda x: (x.hash_key.cast_value, x.range_key.cast_value) if x.range_key else x.hash_key.cast_value
    )


def _locked(operation):
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return operation(*args, **kwargs)

    locked.__wrapped__ = operation  # type: ignore[attr-defined]
    return locked


def _transact_write_items(self, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models.dynamo_type import DynamoType

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    targets: set[tuple[str, str]] = set()
    planned: list[tuple[str, dict, dict]] = []
    reasons: list[tuple[Any, Any, Any]] = []
    failed = False
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        table = self.get_table(op["TableName"])
        if op_type == "Put":
            key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = op["Item"][table.range_key_attr]
        else:
            key = op["Key"]
        target = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if target in targets:
            raise MultipleTransactionsException()
        targets.add(target)
        current = self.get_item(op["TableName"], key)
        if not _condition_holds(op, current):
            old = (
                current.to_json()["Attributes"]
                if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                else None
            )
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", old))
            failed = True
            continue
        reasons.append((None, None, None))
        planned.append((op_type, op, key))
    if failed:
        raise TransactionCanceledException(reasons)

    undo: list[tuple[Any, Any, Any, Any]] = []
    stream_marks = {}
    for _, op, _ in planned:
        table = self.get_table(op["TableName"])
        if table.stream_shard is not None and table.name not in stream_marks:
            stream_marks[table.name] = (table, len(table.stream_shard.items))
    position = 0  # which operation failed, for its cancellation reason
    try:
        for position, (op_type, op, key) in enumerate(planned):  # noqa: B007 - read in the except
            if op_type == "ConditionCheck":
                continue
            table = self.get_table(op["TableName"])
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            undo.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
            common = {
                "condition_expression": op.get("ConditionExpression"),
                "expression_attribute_names": op.get("ExpressionAttributeNames"),
                "expression_attribute_values": op.get("ExpressionAttributeValues"),
            }
            if op_type == "Put":
                self.put_item(op["TableName"], op["Item"], **common)
            elif op_type == "Delete":
                self.delete_item(op["TableName"], key, **common)
            else:
                self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"], **common)
    except (MockValidationException, MultipleTransactionsException):
        _undo(undo, stream_marks)
        raise
    except ConditionalCheckFailed:  # cannot happen after the checks above, but never leave half a transaction
        _undo(undo, stream_marks)
        raise TransactionCanceledException(reasons) from None
    except Exception as error:
        _undo(undo, stream_marks)
        reasons[position] = (type(error).__name__, str(error), None)
        raise TransactionCanceledException(reasons) from error


def _condition_holds(op: dict, current) -> bool:
    from moto.dynamodb.comparisons import get_filter_expression

    expression = op.get("ConditionExpression")
    if expression is None:
        return True
    condition = get_filter_expression(
        expression, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    )
    return bool(condition.expr(current))


def _undo(undo: list, stream_marks: dict) -> None:
    for table, hash_key, range_key, old in reversed(undo):
        if range_key is not None:
            if old is None:
                table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = old
        elif old is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = old
    for table, mark in stream_marks.values():
        del table.stream_shard.items[mark:]
