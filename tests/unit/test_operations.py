"""template.yaml's operations: alarms, dashboard, access logs, concurrency and the custom domain.

Every expectation is derived from the template itself (its functions, queues and stream event
sources), so a function or a queue added without its alarms fails here.
"""

import json
import re

import pytest

from devstack.provision import NOT_PROVISIONED, PROVISIONED
from devstack.template import Stack, _logical_ref

DOMAIN = {
    "DomainName": "track.merchant.example",
    "CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
}


class _ByLogicalId(dict):
    """Physical ids that are the logical ids, so resolved properties name the resources they use."""

    def __init__(self, logical_id: str) -> None:
        super().__init__()
        self.logical_id = logical_id

    def __missing__(self, attribute: str) -> str:
        return self.logical_id


def _stack(**parameters: str) -> Stack:
    stack = Stack(parameters=parameters)
    stack.physical = {lid: _ByLogicalId(lid) for lid in stack.resources}
    return stack


STACK = _stack()


def _alarms() -> list[dict]:
    """Each alarm's metric, resolved: {"id", "namespace", "metric", "dimensions", "actions", "ok_actions"}."""
    alarms = []
    for logical_id, resource in STACK.of_type("AWS::CloudWatch::Alarm").items():
        props = STACK.resolve(resource["Properties"])
        alarms.append(
            {
                "id": logical_id,
                "namespace": props["Namespace"],
                "metric": props["MetricName"],
                "dimensions": {d["Name"]: d["Value"] for d in props.get("Dimensions", [])},
                "actions": props.get("AlarmActions", []),
                "ok_actions": props.get("OKActions", []),
            }
        )
    return alarms


def _alarmed(namespace: str, metric: str, dimension: str) -> set[str]:
    return {
        a["dimensions"][dimension]
        for a in _alarms()
        if a["namespace"] == namespace and a["metric"] == metric and dimension in a["dimensions"]
    }


def _queue_refs(value, found: set[str]) -> None:
    if isinstance(value, dict):
        if "Ref" in value or "Fn::GetAtt" in value:
            try:
                logical_id = _logical_ref(value)
            except ValueError:
                return
            if STACK.resources.get(logical_id, {}).get("Type") == "AWS::SQS::Queue":
                found.add(logical_id)
            return
        for item in value.values():
            _queue_refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _queue_refs(item, found)


_FAILURE_KEYS = {"deadLetterTargetArn", "DeadLetterConfig", "DeadLetterQueue", "OnFailure"}


def _failure_queues() -> set[str]:
    """Queues that only ever hold failures: any queue a redrive policy, an on-failure destination or a
    dead-letter setting points at, anywhere in the template."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in _FAILURE_KEYS:
                    _queue_refs(item, found)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(STACK.resources)
    return found


def _replay_queue() -> str:
    return _logical_ref(STACK.template["Globals"]["Function"]["Environment"]["Variables"]["REPLAY_QUEUE_URL"])


def test_the_failure_queues_are_found_in_the_template():
    # The walk above is what the alarm tests trust: it must see (at least) today's dead-letter queues.
    assert _failure_queues() >= {
        "ReplayDeadLetterQueue",
        "RemarketingDeadLetterQueue",
        "StatsFailureQueue",
        "ExportsDeadLetterQueue",
    }
    assert _replay_queue() == "ReplayQueue"


def test_every_function_has_an_errors_and_a_throttles_alarm():
    functions = set(STACK.functions)
    assert functions <= _alarmed("AWS/Lambda", "Errors", "FunctionName")
    assert functions <= _alarmed("AWS/Lambda", "Throttles", "FunctionName")


def test_every_failure_queue_and_the_replay_queue_alarms_on_a_visible_message():
    queues = _failure_queues() | {_replay_queue()}
    assert queues <= _alarmed("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName")
    # A replayed write may leave the replay queue within seconds, unseen by the visible count.
    assert _replay_queue() in _alarmed("AWS/SQS", "NumberOfMessagesSent", "QueueName")


def test_every_queue_is_a_failure_queue_or_hands_its_failures_to_one():
    failure_queues = _failure_queues() | {_replay_queue()}
    for logical_id, queue in STACK.of_type("AWS::SQS::Queue").items():
        if logical_id in failure_queues:
            continue
        redrive = queue.get("Properties", {}).get("RedrivePolicy", {})
        assert "deadLetterTargetArn" in redrive, f"{logical_id}: no dead-letter queue, so its failures go unseen"


def test_every_stream_consumer_has_an_iterator_age_alarm():
    consumers = {spec.logical_id for spec in STACK.functions.values() if spec.streams}
    assert consumers == {"StatsFunction", "RemarketingPlannerFunction", "EventsPublisherFunction"}
    assert consumers <= _alarmed("AWS/Lambda", "IteratorAge", "FunctionName")


def test_api_5xx_and_ses_reputation_are_alarmed():
    assert "HttpApi" in _alarmed("AWS/ApiGateway", "5xx", "ApiId")
    account_wide = {(a["namespace"], a["metric"]) for a in _alarms() if not a["dimensions"]}
    assert {("AWS/SES", "Reputation.BounceRate"), ("AWS/SES", "Reputation.ComplaintRate")} <= account_wide


def test_every_alarm_notifies_the_alarm_topic():
    (topic,) = STACK.of_type("AWS::SNS::Topic")
    for alarm in _alarms():
        assert alarm["actions"] == [topic], alarm["id"]
        assert alarm["ok_actions"] == [topic], alarm["id"]


def test_the_alarm_email_is_subscribed_only_when_given():
    assert not STACK.of_type("AWS::SNS::Subscription")
    stack = _stack(AlarmEmail="ops@merchant.example")
    ((_, subscription),) = stack.of_type("AWS::SNS::Subscription").items()
    props = stack.resolve(subscription["Properties"])
    assert props == {"TopicArn": "AlarmTopic", "Protocol": "email", "Endpoint": "ops@merchant.example"}


def test_the_dashboard_shows_every_function_queue_and_stream_consumer():
    ((_, dashboard),) = STACK.of_type("AWS::CloudWatch::Dashboard").items()
    body = json.loads(STACK.resolve(dashboard["Properties"]["DashboardBody"]))
    shown: dict[tuple[str, str], set[str]] = {}
    searches = []
    for widget in body["widgets"]:
        for row in widget["properties"]["metrics"]:
            if isinstance(row[0], dict):
                searches.append(row[0]["expression"])
                continue
            namespace, metric, *dimensions = [part for part in row if not isinstance(part, dict)]
            shown.setdefault((namespace, metric), set()).update(dimensions[1::2])
    functions = set(STACK.functions)
    for metric in ("Errors", "Throttles", "ConcurrentExecutions"):
        assert functions <= shown[("AWS/Lambda", metric)], metric
    assert {s.logical_id for s in STACK.functions.values() if s.streams} <= shown[("AWS/Lambda", "IteratorAge")]
    assert set(STACK.of_type("AWS::SQS::Queue")) <= shown[("AWS/SQS", "ApproximateNumberOfMessagesVisible")]
    # Clicks and postbacks: the functions' Powertools metrics, in the namespace the template gives them.
    namespace = STACK.template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
    for service in ("click", "postback"):
        assert f"SEARCH('{{{namespace},service}} service=\"{service}\"', 'Sum', 300)" in searches
        assert STACK.environment(STACK.function(service))["POWERTOOLS_SERVICE_NAME"] == service


# Request fields that never carry a path, a query string, a header or the visitor's address.
_LOGGABLE = {
    "requestId",
    "requestTimeEpoch",
    "domainName",
    "httpMethod",
    "routeKey",
    "status",
    "protocol",
    "responseLength",
    "responseLatency",
    "integrationLatency",
    "integrationStatus",
    "error.messageString",
    "integrationErrorMessage",
}


def test_the_access_log_holds_no_path_query_or_visitor():
    ((_, api),) = STACK.of_type("AWS::Serverless::HttpApi").items()
    settings = api["Properties"]["AccessLogSettings"]
    variables = re.findall(r"\$context\.([A-Za-z.]+)", settings["Format"])
    assert "routeKey" in variables
    assert set(variables) <= _LOGGABLE
    assert not re.search(r"\$(?!context\.)", settings["Format"]), "only $context variables"
    # One JSON object a line, whatever the values.
    json.loads(re.sub(r'"?\$context\.[A-Za-z.]+"?', '"value"', settings["Format"]))
    log_group = _logical_ref(settings["DestinationArn"])
    assert STACK.resources[log_group]["Type"] == "AWS::Logs::LogGroup"
    assert int(STACK.resolve(STACK.resources[log_group]["Properties"]["RetentionInDays"])) > 0


_RESERVED = {
    "SignupFunction": "SignupConcurrency",
    "PortalFunction": "PortalConcurrency",
    "ApiFunction": "ApiConcurrency",
}


def test_pages_api_and_signup_reserve_concurrency_and_click_and_postback_never_do():
    for logical_id, spec in STACK.functions.items():
        reserved = STACK.resolve(spec.properties).get("ReservedConcurrentExecutions")
        if logical_id in _RESERVED:
            assert int(reserved) > 0, logical_id
        elif logical_id in ("ClickFunction", "PostbackFunction"):
            # A reservation is also a cap: the paths that earn money are never capped.
            assert "ReservedConcurrentExecutions" not in spec.properties, logical_id


def test_the_reserved_functions_together_leave_room_in_a_standard_account():
    # Lambda keeps 100 of an account's concurrency unreserved; the default limit is 1000.
    defaults = sum(int(STACK.parameters[parameter]) for parameter in _RESERVED.values())
    assert 100 + defaults <= 1000


def test_zero_reserves_nothing():
    stack = _stack(**{parameter: "0" for parameter in _RESERVED.values()})
    for logical_id in _RESERVED:
        assert "ReservedConcurrentExecutions" not in stack.resolve(stack.functions[logical_id].properties)


_DOMAIN_TYPES = ("AWS::ApiGatewayV2::DomainName", "AWS::ApiGatewayV2::ApiMapping", "AWS::Route53::RecordSetGroup")


def _domain_resources(stack: Stack) -> set[str]:
    return {lid for kind in _DOMAIN_TYPES for lid in stack.of_type(kind)}


def test_domain_resources_exist_only_with_a_domain_name():
    declared = {lid for lid, r in STACK.resources.items() if r["Type"] in _DOMAIN_TYPES}
    assert declared == {"ApiDomain", "ApiDomainMapping", "ApiDomainRecord"}
    assert all("Condition" in STACK.resources[lid] for lid in declared)
    assert _domain_resources(STACK) == set()
    assert _domain_resources(_stack(**DOMAIN)) == {"ApiDomain", "ApiDomainMapping"}
    assert _domain_resources(_stack(**DOMAIN, HostedZoneId="Z0123456789ABC")) == declared


def test_a_hosted_zone_without_a_domain_name_creates_nothing():
    assert _domain_resources(_stack(HostedZoneId="Z0123456789ABC")) == set()


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ({}, "https://HttpApi.execute-api.eu-west-1.amazonaws.com"),
        (DOMAIN, "https://track.merchant.example"),
        ({**DOMAIN, "PublicBaseUrl": "https://www.merchant.example/track"}, "https://www.merchant.example/track"),
    ],
)
def test_emails_links_and_the_api_url_output_use_the_custom_domain(parameters, expected):
    stack = _stack(**parameters)
    assert stack.environment(stack.function("remarketing_sender"))["PUBLIC_URL"] == expected
    assert stack.resolve(stack.template["Outputs"]["ApiUrl"]["Value"]) == expected


def test_every_resource_type_is_provisioned_locally_or_skipped_with_a_reason():
    assert not PROVISIONED & set(NOT_PROVISIONED)
    assert all(NOT_PROVISIONED.values())
    types = {resource["Type"] for resource in STACK.resources.values()}
    assert types <= PROVISIONED | set(NOT_PROVISIONED), types - PROVISIONED - set(NOT_PROVISIONED)


def test_the_monthly_statements_fan_out_is_capped():
    (queue,) = [e for e in STACK.function("statements").properties["Events"].values() if e["Type"] == "SQS"]
    assert int(queue["Properties"]["ScalingConfig"]["MaximumConcurrency"]) <= 10
