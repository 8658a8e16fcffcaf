"""Each AWS call a function makes, checked against the IAM role that function gets in AWS.

The roles come from aws-sam-translator, the code CloudFormation's SAM transform runs, so policy
templates (SQSSendMessagePolicy, ...) and the policies SAM adds (logs, X-Ray, stream and queue
pollers) expand as they do when deployed. aws-sam-translator lives in .venv-sam (it pins a pydantic
older than Waymark's), so it runs there once per template version and its output is cached.
Statements are then resolved against the test stack's physical names and ARNs.

`IamCheck` is a botocore `before-parameter-build` hook: it sees every call with its parameters,
maps it to the IAM actions and resources AWS would authorize (a transaction to one action per item),
and refuses it as AWS would, with AccessDeniedException. Calls made outside a function's invocation
(test set-up, provisioning) are not checked. The e2e tests' local stacks run the same hook
(tests/helpers/checked_stack.py); the packaging test's built functions note their calls with
`CALL_RECORDER`, judged afterwards by `IamCheck.refusal`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from devstack import runtime as devstack_runtime
from devstack.template import ROOT, Stack, load

SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
CACHE_DIR = ROOT / ".pytest_cache" / "waymark-iam"

# The AWS managed policies SAM attaches to Waymark's roles, with their statements (as AWS publishes
# them). A role with any other managed policy fails the check: its statements would be unknown.
AWS_MANAGED = {
    "AWSLambdaBasicExecutionRole": (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*",
            }
        ],
    ),
    "AWSXrayWriteOnlyAccess": (
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
        [
            {
                "Effect": "Allow",
                "Action": [
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "xray:GetSamplingRules",
                    "xray:GetSamplingTargets",
                    "xray:GetSamplingStatisticSummaries",
                ],
                "Resource": "*",
            }
        ],
    ),
    "AWSLambdaDynamoDBExecutionRole": (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
        [
            {
                "Effect": "Allow",
                "Action": [
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams",
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ],
                "Resource": "*",
            }
        ],
    ),
    "AWSLambdaSQSQueueExecutionRole": (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
        [
            {
                "Effect": "Allow",
                "Action": [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ],
                "Resource": "*",
            }
        ],
    ),
}

# Runs in .venv-sam: the template (JSON on stdin) through SAM's transform, with a loader that knows
# only the managed policies above instead of listing IAM.
_TRANSLATE = """
import json, sys
from samtranslator.translator.transform import transform
names = json.loads(sys.argv[1])
class Loader:
    def load(self):
        return names
print(json.dumps(transform(json.load(sys.stdin), {}, Loader())))
"""


class IamRefused(ClientError):
    """What AWS answers a call the role does not allow."""


class UnsupportedPolicy(ValueError):
    """A statement the checker cannot evaluate (condition key or operator): it must not pass unchecked."""


# ---------------------------------------------------------------------------------- translation
def translated_roles(template_path: Path = ROOT / "template.yaml") -> dict[str, dict]:
    """Function logical id -> its role as SAM translates it: {"ManagedPolicyArns": [...], "Policies": [...]}."""
    text = template_path.read_bytes()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached = CACHE_DIR / f"{hashlib.sha256(text + _TRANSLATE.encode()).hexdigest()[:20]}.json"
    if not cached.exists():
        # Two pytest workers may translate at once: each writes its own file, then renames it.
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(_translate(template_path)))
        partial.replace(cached)
    translated = json.loads(cached.read_text())
    roles = {}
    for logical_id, resource in translated["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        role_ref = resource["Properties"]["Role"]["Fn::GetAtt"][0]
        roles[logical_id] = translated["Resources"][role_ref]["Properties"]
    return roles


def _translate(template_path: Path) -> dict:
    if not SAM_PYTHON.exists():
        raise RuntimeError(
            f"the IAM check needs aws-sam-translator from {SAM_PYTHON.parent.parent} (run `make validate`)"
        )
    template = load(template_path)
    for resource in template["Resources"].values():
        # SAM wants uploaded code; the artefact's location has no bearing on the role.
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in props:
                props[key] = "s3://waymark-iam-check/code.zip"
    names = json.dumps({name: arn for name, (arn, _) in AWS_MANAGED.items()})
    result = subprocess.run(
        [str(SAM_PYTHON), "-c", _TRANSLATE, names],
        input=json.dumps(template),
        capture_output=True,
        text=True,
        check=False,
        # SAM asks boto for a region; ARNs it writes keep ${AWS::Region}, resolved later.
        env={**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"},
    )
    if result.returncode:
        raise RuntimeError(f"aws-sam-translator could not translate {template_path}:\n{result.stderr}")
    return json.loads(result.stdout)


# ---------------------------------------------------------------------------------- evaluation
def _glob(patterns: list[str], *, ignore_case: bool) -> re.Pattern:
    alternatives = "|".join(re.escape(p).replace(r"\*", ".*").replace(r"\?", ".") for p in patterns)
    # IAM's wildcards match any character, line breaks too (a program id a client sent may hold one).
    return re.compile(f"(?:{alternatives})\\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


# The condition keys Waymark's role policies use, and the operators it writes them with. Anything
# else in a role's statement fails the check: an unevaluated condition could hide a refusal.
SUPPORTED_KEYS = {
    "dynamodb:leadingkeys",
    "dynamodb:attributes",
    "dynamodb:select",
    "dynamodb:returnvalues",
    "aws:securetransport",
}
# kms:EncryptionContext:<key>, one key per encryption context entry (the key name is case-insensitive).
KMS_CONTEXT_PREFIX = "kms:encryptioncontext:"
_SPELLING = {
    "dynamodb:leadingkeys": "dynamodb:LeadingKeys",
    "dynamodb:attributes": "dynamodb:Attributes",
    "dynamodb:select": "dynamodb:Select",
    "dynamodb:returnvalues": "dynamodb:ReturnValues",
}
_OPERATORS = {"StringEquals", "StringLike", "Bool"}


@dataclass(frozen=True)
class Condition:
    operator: str
    qualifier: str  # "", "ForAllValues" or "ForAnyValue"
    if_exists: bool
    key: str
    values: tuple[str, ...]

    def holds(self, context: dict[str, list[str]]) -> bool:
        present = context.get(self.key)
        if self.qualifier == "ForAllValues":
            return all(self._matches(value) for value in present or [])
        if present is None:
            return self.if_exists
        return any(self._matches(value) for value in present)

    def _matches(self, value: str) -> bool:
        if self.operator == "StringLike":
            return bool(_glob(list(self.values), ignore_case=False).match(value))
        if self.operator == "Bool":
            return value.lower() in (v.lower() for v in self.values)
        return value in self.values


def _conditions(block: dict) -> tuple[Condition, ...]:
    conditions = []
    for operator, keys in block.items():
        qualifier, _, base = operator.rpartition(":")
        if_exists = base.endswith("IfExists")
        base = base.removesuffix("IfExists")
        if base not in _OPERATORS or qualifier not in ("", "ForAllValues", "ForAnyValue"):
            raise UnsupportedPolicy(f"condition operator {operator} is not supported by the IAM check")
        for key, values in keys.items():
            if key.lower() not in SUPPORTED_KEYS and not key.lower().startswith(KMS_CONTEXT_PREFIX):
                raise UnsupportedPolicy(f"condition key {key} is not supported by the IAM check")
            conditions.append(Condition(base, qualifier, if_exists, key.lower(), tuple(map(str, _listed(values)))))
    return tuple(conditions)


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: re.Pattern | None
    not_actions: re.Pattern | None
    resources: re.Pattern | None
    not_resources: re.Pattern | None
    conditions: tuple[Condition, ...]
    text: str

    @classmethod
    def compile(cls, statement: dict, source: str = "") -> Statement:
        def pattern(key: str, ignore_case: bool):
            return (
                _glob([str(v) for v in _listed(statement[key])], ignore_case=ignore_case) if key in statement else None
            )

        return cls(
            effect=statement["Effect"],
            actions=pattern("Action", True),
            not_actions=pattern("NotAction", True),
            resources=pattern("Resource", False),
            not_resources=pattern("NotResource", False),
            conditions=_conditions(statement.get("Condition", {})),
            text=f"{source}: {json.dumps(statement)}",
        )

    def applies(self, request: Request) -> bool:
        if self.actions is not None and not self.actions.match(request.action):
            return False
        if self.not_actions is not None and self.not_actions.match(request.action):
            return False
        if self.resources is not None and not self.resources.match(request.resource):
            return False
        if self.not_resources is not None and self.not_resources.match(request.resource):
            return False
        return all(condition.holds(request.context) for condition in self.conditions)


@dataclass(frozen=True)
class Request:
    """One authorization AWS makes for a call: an action on a resource, with its condition keys."""

    action: str
    resource: str
    context: dict[str, list[str]] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        keys = "".join(f", {_SPELLING.get(k, k)}={v}" for k, v in self.context.items() if k != "aws:securetransport")
        return f"{self.action} on {self.resource}{keys}"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def decide(statements: list[Statement], request: Request) -> Decision:
    """IAM's rule for one identity policy set: an explicit Deny wins, then any Allow, else refused."""
    allowing = None
    for statement in statements:
        if statement.applies(request):
            if statement.effect == "Deny":
                return Decision(False, f"explicitly denied by {statement.text}")
            allowing = allowing or statement
    if allowing is None:
        return Decision(False, "no statement allows it")
    return Decision(True, f"allowed by {allowing.text}")


# ---------------------------------------------------------------------------------- the stack's roles
class Roles:
    """Each function's statements, resolved against the stack's current physical ids."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._documents = translated_roles(stack.path)
        self._compiled: dict[str, list[Statement]] = {}

    def statements(self, function: str, *, fresh: bool = False) -> list[Statement]:
        """Compiled once; `fresh=True` resolves again (the user pool's id is new at each provisioning)."""
        if fresh or function not in self._compiled:
            self._compiled[function] = self._compile(function)
        return self._compiled[function]

    def _compile(self, function: str) -> list[Statement]:
        role = self._documents[function]
        documents: list[tuple[str, dict]] = []
        for policy in role.get("Policies", []):
            documents.append((f"{function}'s policy {policy['PolicyName']}", policy["PolicyDocument"]))
        by_arn = {arn: (name, statements) for name, (arn, statements) in AWS_MANAGED.items()}
        for reference in role.get("ManagedPolicyArns", []):
            if isinstance(reference, dict) and set(reference) == {"Ref"}:
                managed = self.stack.resources[reference["Ref"]]
                documents.append((f"managed policy {reference['Ref']}", managed["Properties"]["PolicyDocument"]))
                continue
            arn = self.stack.resolve(reference)
            if arn not in by_arn:
                raise UnsupportedPolicy(f"{function} has managed policy {arn}, whose statements the IAM check lacks")
            name, statements = by_arn[arn]
            documents.append((f"AWS managed policy {name}", {"Statement": statements}))
        compiled = []
        for source, document in documents:
            for statement in _listed(self.stack.resolve(document)["Statement"]):
                compiled.append(Statement.compile(statement, source))
        return compiled


# ---------------------------------------------------------------------------------- calls to requests
# Cognito's user-facing operations are authorized by the user's tokens, not by IAM.
_COGNITO_PUBLIC = {
    "InitiateAuth",
    "RespondToAuthChallenge",
    "SignUp",
    "ConfirmSignUp",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "GetUser",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
    "GlobalSignOut",
    "RevokeToken",
    "GetTokensFromRefreshToken",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
}
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
_S3_ACTIONS = {
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "HeadObject": "GetObject",
    "ListObjectsV2": "ListBucket",
    "ListObjects": "ListBucket",
    "HeadBucket": "ListBucket",
    "ListParts": "ListMultipartUploadParts",
}


class CallMapper:
    """An AWS call (service, operation, parameters) as the requests IAM authorizes."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.prefix = f"{stack.region}:{stack.account}"
        self._hash_keys: dict[str, str] | None = None

    def hash_key(self, table: str, index: str | None) -> str | None:
        """The partition key attribute of a table (by physical name) or of one of its indexes."""
        if self._hash_keys is None:
            keys = {}
            for logical_id, resource in self.stack.of_type("AWS::DynamoDB::Table").items():
                name = self.stack.physical.get(logical_id, {}).get("Ref")
                props = resource["Properties"]
                keys[name] = _hash(props["KeySchema"])
                for gsi in props.get("GlobalSecondaryIndexes", []) + props.get("LocalSecondaryIndexes", []):
                    keys[f"{name}/{gsi['IndexName']}"] = _hash(gsi["KeySchema"])
            self._hash_keys = keys
        return self._hash_keys.get(f"{table}/{index}" if index else table)

    def requests(self, service: str, operation: str, params: dict) -> list[Request]:
        handler = getattr(self, f"_{service.replace('-', '_')}", None)
        if handler is None:
            return [Request(f"{service}:{operation}", "*")]
        return handler(operation, params)

    # DynamoDB --------------------------------------------------------------------------------
    def _table_arn(self, table: str, index: str | None = None) -> str:
        arn = table if table.startswith("arn:") else f"arn:aws:dynamodb:{self.prefix}:table/{table}"
        return f"{arn}/index/{index}" if index else arn

    def _item(
        self, action: str, table: str, keys: list[dict], index: str | None = None, spec: dict | None = None
    ) -> Request:
        attribute = self.hash_key(table, index)
        leading = [_scalar(key[attribute]) for key in keys if attribute in key]
        context = {"dynamodb:leadingkeys": leading} if leading else {}
        if spec is not None:
            context["dynamodb:attributes"] = _attributes(spec)
            if "ReturnValues" in spec:
                context["dynamodb:returnvalues"] = [spec["ReturnValues"]]
        if action in _READS:
            context["dynamodb:select"] = [_select(spec or {}, index)]
        return Request(f"dynamodb:{action}", self._table_arn(table, index), context)

    def _dynamodb(self, operation: str, params: dict) -> list[Request]:
        if operation in ("GetItem", "DeleteItem", "UpdateItem"):
            return [self._item(operation, params["TableName"], [params["Key"]], spec=params)]
        if operation == "PutItem":
            return [self._item(operation, params["TableName"], [params["Item"]], spec=params)]
        if operation == "Query":
            table, index = params["TableName"], params.get("IndexName")
            return [self._item(operation, table, [self._query_key(table, index, params)], index, spec=params)]
        if operation == "BatchGetItem":
            return [self._item(operation, t, spec["Keys"], spec=spec) for t, spec in params["RequestItems"].items()]
        if operation == "BatchWriteItem":
            return [
                self._item(
                    operation,
                    table,
                    [w["PutRequest"]["Item"] if "PutRequest" in w else w["DeleteRequest"]["Key"] for w in writes],
                )
                for table, writes in params["RequestItems"].items()
            ]
        if operation == "TransactWriteItems":
            out = []
            for item in params["TransactItems"]:
                ((kind, spec),) = item.items()
                keys = [spec.get("Key") or spec["Item"]]
                out.append(self._item(_TRANSACT_ACTIONS[kind], spec["TableName"], keys, spec=spec))
            return out
        if operation == "TransactGetItems":
            return [
                self._item("GetItem", i["Get"]["TableName"], [i["Get"]["Key"]], spec=i["Get"])
                for i in params["TransactItems"]
            ]
        if "TableName" in params:
            return [Request(f"dynamodb:{operation}", self._table_arn(params["TableName"], params.get("IndexName")))]
        return [Request(f"dynamodb:{operation}", "*")]

    def _query_key(self, table: str, index: str | None, params: dict) -> dict:
        """The partition key value a Query names, as a key item ({attribute: value})."""
        attribute = self.hash_key(table, index)
        names = params.get("ExpressionAttributeNames", {})
        values = params.get("ExpressionAttributeValues", {})
        for name, placeholder in re.findall(r"([#\w.]+)\s*=\s*(:\w+)", params.get("KeyConditionExpression", "")):
            if names.get(name, name) == attribute and placeholder in values:
                return {attribute: values[placeholder]}
        for name, condition in params.get("KeyConditions", {}).items():
            if name == attribute:
                return {attribute: condition["AttributeValueList"][0]}
        return {}

    # Others ----------------------------------------------------------------------------------
    def _s3(self, operation: str, params: dict) -> list[Request]:
        action = f"s3:{_S3_ACTIONS.get(operation, operation)}"
        bucket = params.get("Bucket")
        if not bucket:
            return [Request(action, "*")]
        if "Key" in params:
            return [Request(action, f"arn:aws:s3:::{bucket}/{params['Key']}")]
        return [Request(action, f"arn:aws:s3:::{bucket}")]

    def _sqs(self, operation: str, params: dict) -> list[Request]:
        action = "sqs:SendMessage" if operation == "SendMessageBatch" else f"sqs:{operation}"
        if "QueueUrl" in params:
            name = params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]
        elif "QueueName" in params:
            name = params["QueueName"]
        else:
            return [Request(action, "*")]
        return [Request(action, f"arn:aws:sqs:{self.prefix}:{name}")]

    def _cognito_idp(self, operation: str, params: dict) -> list[Request]:
        if operation in _COGNITO_PUBLIC:
            return []
        if "UserPoolId" in params:
            return [
                Request(
                    f"cognito-idp:{operation}", f"arn:aws:cognito-idp:{self.prefix}:userpool/{params['UserPoolId']}"
                )
            ]
        return [Request(f"cognito-idp:{operation}", "*")]

    def _ses(self, operation: str, params: dict) -> list[Request]:
        sender = params.get("FromEmailAddress") or params.get("Source")
        if operation not in ("SendEmail", "SendRawEmail", "SendBulkEmail") or not sender:
            return [Request(f"ses:{operation}", "*")]
        address = re.sub(r"^.*<([^>]+)>.*$", r"\1", sender)
        out = [Request(f"ses:{operation}", f"arn:aws:ses:{self.prefix}:identity/{address}")]
        if params.get("ConfigurationSetName"):
            out.append(
                Request(
                    f"ses:{operation}", f"arn:aws:ses:{self.prefix}:configuration-set/{params['ConfigurationSetName']}"
                )
            )
        return out

    _sesv2 = _ses

    def _secretsmanager(self, operation: str, params: dict) -> list[Request]:
        secret = params.get("SecretId", "")
        if not secret.startswith("arn:"):  # a name: the ARN of the stack's secret of that name
            for logical_id in self.stack.of_type("AWS::SecretsManager::Secret"):
                physical = self.stack.physical.get(logical_id, {})
                if secret in (physical.get("Name"), physical.get("Ref")):
                    secret = physical.get("Arn") or physical.get("Ref") or secret
        return [Request(f"secretsmanager:{operation}", secret or "*")]

    def _kms(self, operation: str, params: dict) -> list[Request]:
        """A key named by ARN, id or alias; a Decrypt that names none is authorized on the key the ciphertext names,
        which the check cannot read, so it is refused unless the role allows kms:Decrypt on every key."""
        key = params.get("KeyId", "")
        context = {
            f"{KMS_CONTEXT_PREFIX}{k.lower()}": [str(v)] for k, v in (params.get("EncryptionContext") or {}).items()
        }
        if key.startswith("arn:"):
            return [Request(f"kms:{operation}", key, context)]
        if key.startswith("alias/"):
            return [Request(f"kms:{operation}", f"arn:aws:kms:{self.prefix}:{key}", context)]
        return [Request(f"kms:{operation}", f"arn:aws:kms:{self.prefix}:key/{key}" if key else "*", context)]

    def _events(self, operation: str, params: dict) -> list[Request]:
        """PutEvents is authorized on each entry's bus (by ARN, or by name in this account)."""
        if operation != "PutEvents":
            return [Request(f"events:{operation}", "*")]
        buses = dict.fromkeys(entry.get("EventBusName") or "default" for entry in params.get("Entries", []))
        arns = [bus if bus.startswith("arn:") else f"arn:aws:events:{self.prefix}:event-bus/{bus}" for bus in buses]
        return [Request("events:PutEvents", arn) for arn in arns]

    def _sts(self, operation: str, params: dict) -> list[Request]:
        return [] if operation == "GetCallerIdentity" else [Request(f"sts:{operation}", "*")]


_READS = {"GetItem", "Query", "Scan", "BatchGetItem"}


def _select(spec: dict, index: str | None) -> str:
    """dynamodb:Select as AWS evaluates it: a read without a projection asks for every attribute.

    AWS documents Select for Query and Scan; for GetItem and BatchGetItem the check takes a read
    without ProjectionExpression as ALL_ATTRIBUTES too, so a role limited to some attributes must
    name them in every read (the stricter reading: the check may refuse more than AWS, never less).
    """
    if spec.get("Select"):
        return spec["Select"]
    if spec.get("ProjectionExpression") or spec.get("AttributesToGet"):
        return "SPECIFIC_ATTRIBUTES"
    return "ALL_PROJECTED_ATTRIBUTES" if index else "ALL_ATTRIBUTES"


# Words of DynamoDB's expression grammar that are not attribute names.
_EXPRESSION_WORDS = {"set", "remove", "add", "delete", "and", "or", "not", "between", "in"}


# What dynamodb:Attributes holds for a write that asks for the whole item back (ReturnValues ALL_NEW
# or ALL_OLD): every attribute the item has, so a ForAllValues list of names cannot allow it (only a
# pattern matching any name, StringLike "*", does). Deployed, DynamoDB refuses such a request.
EVERY_ATTRIBUTE = "* (every attribute: ReturnValues {})"


def _attributes(spec: dict) -> list[str]:
    """The top-level attribute names an item request touches (dynamodb:Attributes): its key or item,
    and every name its expressions (update, condition, key condition, filter, projection) or legacy
    parameters use, and every attribute when it asks for the whole item back."""
    names = set(spec.get("Key") or spec.get("Item") or {})
    for key in spec.get("Keys", []):  # BatchGetItem
        names.update(key)
    if spec.get("ReturnValues") in ("ALL_NEW", "ALL_OLD"):
        names.add(EVERY_ATTRIBUTE.format(spec["ReturnValues"]))
    placeholders = spec.get("ExpressionAttributeNames", {})
    expressions = ("UpdateExpression", "ConditionExpression", "KeyConditionExpression", "FilterExpression")
    for key in (*expressions, "ProjectionExpression"):
        # A path's first segment is the top-level name; functions (name followed by "(") are not names.
        for token in re.findall(r"(?<![\w.:#\]])(#\w++|[A-Za-z_]\w*+)(?!\s*\()", spec.get(key, "")):
            if token.startswith("#"):
                names.add(placeholders[token])
            elif token.lower() not in _EXPRESSION_WORDS:
                names.add(token)
    for key in ("AttributeUpdates", "Expected", "KeyConditions", "QueryFilter"):
        names.update(spec.get(key, {}))
    names.update(spec.get("AttributesToGet", []))
    return sorted(names)


def _hash(key_schema: list[dict]) -> str:
    return next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")


def _scalar(value: dict) -> str:
    ((_, inner),) = value.items()
    return str(inner)


# ---------------------------------------------------------------------------------- the hook
class IamCheck:
    """A botocore `before-parameter-build` hook: refuses, as AWS would, what the running function may not do."""

    def __init__(self, stack: Stack, on_refusal: Callable[[str], None] | None = None) -> None:
        self.stack = stack
        self.mapper = CallMapper(stack)
        self.refusals: list[str] = []
        self.on_refusal = on_refusal
        self._roles: Roles | None = None

    @property
    def roles(self) -> Roles:
        if self._roles is None:
            self._roles = Roles(self.stack)
        return self._roles

    def __call__(self, params, model, **kwargs) -> None:
        function = devstack_runtime.running_function()
        if function is None:
            return
        message = self.refusal(function, model.service_model.signing_name, model.name, params)
        if message is not None:
            self.refusals.append(message)
            if self.on_refusal is not None:
                self.on_refusal(message)
            error = {"Error": {"Code": "AccessDeniedException", "Message": message}}
            raise IamRefused(error, model.name)

    def refusal(self, function: str, service: str, operation: str, params: dict) -> str | None:
        """Why `function`'s deployed role refuses this call (service by its signing name), or None."""
        if service == "email":
            service = "ses"
        for request in self.mapper.requests(service, operation, params):
            request.context.setdefault("aws:securetransport", ["true"])
            decision = decide(self.roles.statements(function), request)
            if not decision.allowed:
                # Statements are cached; before refusing, resolve them against the stack as it is now.
                decision = decide(self.roles.statements(function, fresh=True), request)
            if not decision.allowed:
                return f"{function} may not {request}: {decision.reason} in its role as SAM deploys it"
        return None


# Put before a handler runs in a process of its own (the packaging test's built functions, which
# may load nothing of the test suite): it notes each AWS call the function makes, to be judged by
# `IamCheck.refusal` afterwards. `CALLS` is then the calls as JSON-ready dicts.
CALL_RECORDER = """
import botocore.handlers
CALLS = []
def _record_call(params, model, **kwargs):
    CALLS.append({"service": model.service_model.signing_name, "operation": model.name, "params": params})
botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-parameter-build", _record_call))
"""
