"""Reads template.yaml: the one description of tables, routes, schedules and functions.

The local stack and the tests learn everything from here, so nothing about the deployed
shape is written twice. Intrinsic functions are resolved against the local physical ids
that devstack.provision records as it creates each resource.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"

_SHORT_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!GetAtt": "Fn::GetAtt",
    "!Sub": "Fn::Sub",
    "!If": "Fn::If",
    "!Equals": "Fn::Equals",
    "!Not": "Fn::Not",
    "!And": "Fn::And",
    "!Or": "Fn::Or",
    "!Join": "Fn::Join",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!FindInMap": "Fn::FindInMap",
    "!Base64": "Fn::Base64",
    "!GetAZs": "Fn::GetAZs",
    "!ImportValue": "Fn::ImportValue",
}


class _CfnLoader(yaml.SafeLoader):
    pass


def _construct(tag: str, name: str):
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "!GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    return construct


for _tag, _name in _SHORT_TAGS.items():
    _CfnLoader.add_constructor(_tag, _construct(_tag, _name))


def load(path: Path = TEMPLATE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506


class NoValue:
    """AWS::NoValue: the property is dropped."""


@dataclass(frozen=True)
class Route:
    method: str  # GET, POST, ..., or ANY
    path: str  # as declared, e.g. /c/{code} or /api/{proxy+}
    function: str  # logical id
    pattern: re.Pattern = field(compare=False, repr=False)
    specificity: tuple = field(compare=False, repr=False)

    @classmethod
    def make(cls, method: str, path: str, function: str) -> Route:
        pieces, literal, greedy = [], 0, False
        for segment in path.strip("/").split("/") if path != "/" else []:
            if segment.startswith("{") and segment.endswith("+}"):
                pieces.append(f"(?P<{segment[1:-2]}>.+)")
                greedy = True
            elif segment.startswith("{") and segment.endswith("}"):
                pieces.append(f"(?P<{segment[1:-1]}>[^/]+)")
            else:
                pieces.append(re.escape(segment))
                literal += 1
        pattern = re.compile("^/" + "/".join(pieces) + "$")
        # API Gateway picks the most specific route: exact segments beat variables, greedy comes last,
        # and a route for the method beats ANY.
        specificity = (not greedy, literal, len(pieces), method != "ANY")
        return cls(method.upper(), path, function, pattern, specificity)

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler: str
    timeout: int
    memory: int
    properties: dict
    routes: list[Route] = field(default_factory=list)
    schedules: list[dict] = field(default_factory=list)  # {"name", "expression", "input"}
    streams: list[dict] = field(default_factory=list)  # {"table", "batch_size", "retries", "on_failure"}
    queues: list[dict] = field(default_factory=list)  # {"queue", "batch_size"}

    @property
    def short_name(self) -> str:
        return self.code_dir.name


class Stack:
    """The template with its parameters applied and its Globals merged into each function."""

    def __init__(
        self,
        path: Path = TEMPLATE,
        *,
        name: str = "waymark-local",
        region: str = "eu-west-1",
        account: str = "123456789012",
        parameters: dict[str, str] | None = None,
        root: Path | None = None,
    ) -> None:
        self.path = path
        self.root = root or path.parent
        self.template = load(path)
        self.name = name
        self.region = region
        self.account = account
        self.parameters = {
            key: str(spec.get("Default", "")) for key, spec in self.template.get("Parameters", {}).items()
        }
        self.parameters.update(parameters or {})
        self.resources: dict[str, dict] = self.template["Resources"]
        # Filled by devstack.provision: logical id -> {"Ref": ..., "Arn": ..., ...}
        self.physical: dict[str, dict[str, str]] = {}
        self.dynamic_references: dict[str, str] = {}
        self.functions = {
            lid: self._function(lid) for lid, r in self.resources.items() if r["Type"] == "AWS::Serverless::Function"
        }

    # ------------------------------------------------------------------ resources
    def of_type(self, resource_type: str) -> dict[str, dict]:
        """The resources of that type CloudFormation would create under these parameters."""
        return {lid: r for lid, r in self.resources.items() if r["Type"] == resource_type and self.included(lid)}

    def included(self, logical_id: str) -> bool:
        """Whether the resource's Condition (if it has one) holds under these parameters."""
        condition = self.resources[logical_id].get("Condition")
        return condition is None or self.condition(condition)

    def local_name(self, logical_id: str) -> str:
        """The physical name a resource gets locally (CloudFormation would generate one)."""
        return f"{self.name}-{logical_id}"

    def routes(self) -> list[Route]:
        routes = [route for spec in self.functions.values() for route in spec.routes]
        return sorted(routes, key=lambda r: r.specificity, reverse=True)

    def function(self, name: str) -> FunctionSpec:
        """By logical id (ClickFunction) or folder name (click), case-insensitively."""
        wanted = name.lower()
        for spec in self.functions.values():
            if wanted in (
                spec.logical_id.lower(),
                spec.short_name.lower(),
                spec.logical_id.lower().removesuffix("function"),
            ):
                return spec
        known = ", ".join(sorted(spec.short_name for spec in self.functions.values()))
        raise KeyError(f"no function {name!r} in template.yaml (known: {known})")

    def layer_source_dirs(self) -> list[Path]:
        """Layer folders holding importable code (the shared package); third-party layers come from .venv."""
        dirs = []
        for resource in self.of_type("AWS::Serverless::LayerVersion").values():
            folder = self.root / resource["Properties"]["ContentUri"]
            if any((child / "__init__.py").exists() for child in folder.iterdir() if child.is_dir()):
                dirs.append(folder)
        return dirs

    def _globals(self) -> dict:
        return copy.deepcopy(self.template.get("Globals", {}).get("Function", {}))

    def _function(self, logical_id: str) -> FunctionSpec:
        props = _merge_globals(self._globals(), self.resources[logical_id]["Properties"])
        spec = FunctionSpec(
            logical_id=logical_id,
            code_dir=(self.root / props["CodeUri"]).resolve(),
            handler=props["Handler"],
            timeout=int(props.get("Timeout", 3)),
            memory=int(props.get("MemorySize", 128)),
            properties=props,
        )
        for event_name, event in (props.get("Events") or {}).items():
            kind, ev = event["Type"], event.get("Properties", {})
            if kind == "HttpApi":
                spec.routes.append(Route.make(ev.get("Method", "ANY"), ev.get("Path", "/"), logical_id))
            elif kind in ("Schedule", "ScheduleV2"):
                spec.schedules.append(
                    {
                        "name": event_name,
                        "expression": ev.get("Schedule") or ev.get("ScheduleExpression"),
                        "input": ev.get("Input"),
                    }
                )
            elif kind == "DynamoDB":
                spec.streams.append(
                    {
                        "table": _logical_ref(ev["Stream"]),
                        "batch_size": int(ev.get("BatchSize", 100)),
                        "retries": int(ev.get("MaximumRetryAttempts", -1)),
                        "on_failure": ev.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
                        "report_failures": "ReportBatchItemFailures" in ev.get("FunctionResponseTypes", []),
                        "filters": [f["Pattern"] for f in ev.get("FilterCriteria", {}).get("Filters", [])],
                        "tumbling_window": int(ev.get("TumblingWindowInSeconds", 0)),
                    }
                )
            elif kind == "SQS":
                spec.queues.append(
                    {
                        "queue": _logical_ref(ev["Queue"]),
                        "batch_size": int(ev.get("BatchSize", 10)),
                        "report_failures": "ReportBatchItemFailures" in ev.get("FunctionResponseTypes", []),
                    }
                )
        return spec

    # ------------------------------------------------------------------ intrinsics
    def resolve(self, value: Any) -> Any:
        """Resolve intrinsic functions against parameters and recorded physical ids."""
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not NoValue]
        if isinstance(value, str):
            return self._dynamic_references(value)
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self._ref(arg)
            if key == "Fn::GetAtt":
                return self._get_att(*(arg.split(".", 1) if isinstance(arg, str) else arg))
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::If":
                condition, yes, no = arg
                return self.resolve(yes if self.condition(condition) else no)
            if key == "Fn::Join":
                return arg[0].join(str(self.resolve(v)) for v in arg[1])
            if key == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if key == "Fn::Split":
                return self.resolve(arg[1]).split(arg[0])
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NoValue}

    def condition(self, name: str) -> bool:
        return bool(self._condition(self.template.get("Conditions", {})[name]))

    def _condition(self, expr: Any) -> Any:
        if isinstance(expr, dict) and len(expr) == 1:
            ((key, arg),) = expr.items()
            if key == "Fn::Equals":
                return str(self.resolve(arg[0])) == str(self.resolve(arg[1]))
            if key == "Fn::Not":
                return not self._condition(arg[0])
            if key == "Fn::And":
                return all(self._condition(a) for a in arg)
            if key == "Fn::Or":
                return any(self._condition(a) for a in arg)
            if key == "Condition":
                return self.condition(arg)
        return self.resolve(expr)

    def _pseudo(self, name: str) -> Any:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::StackName": self.name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": NoValue,
        }[name]

    def _ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self._pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        return self._attribute(name, "Ref")

    def _get_att(self, logical_id: str, attribute: str) -> Any:
        return self._attribute(logical_id, attribute)

    def _attribute(self, logical_id: str, attribute: str) -> str:
        if logical_id not in self.resources:
            raise KeyError(f"template.yaml refers to unknown resource {logical_id!r}")
        try:
            return self.physical[logical_id][attribute]
        except KeyError:
            return f"local-unprovisioned-{logical_id}-{attribute}"

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                return str(self._get_att(*name.split(".", 1)))
            return str(self._ref(name))

        return self._dynamic_references(re.sub(r"\$\{([^}!]+)\}", replace, text))

    def _dynamic_references(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            return self.dynamic_references.get(match.group(0), match.group(0))

        return re.sub(r"\{\{resolve:[^}]+\}\}", replace, text)

    def environment(self, spec: FunctionSpec) -> dict[str, str]:
        variables = spec.properties.get("Environment", {}).get("Variables", {})
        return {k: str(v) for k, v in self.resolve(variables).items()}


def _merge_globals(globals_: dict, local: dict) -> dict:
    """SAM's rule: maps merge (the function wins), lists add up (globals first), scalars are replaced."""
    merged = copy.deepcopy(globals_)
    for key, value in local.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not _is_intrinsic(value):
            merged[key] = _merge_globals(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + copy.deepcopy(value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _is_intrinsic(value: dict) -> bool:
    return len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


def _logical_ref(value: Any) -> str:
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            att = value["Fn::GetAtt"]
            return att[0] if isinstance(att, list) else att.split(".", 1)[0]
    raise ValueError(f"expected a Ref or GetAtt to a resource, got {value!r}")
