"""IAM policy statements as template.yaml writes them, read as the permission tests compare them:
by action, and by the logical id of the resource each is allowed on."""


def listed(value) -> list:
    """A statement's Action or Resource, which may be one value or a list, as a list."""
    return value if isinstance(value, list) else [value]


def resource_name(resource) -> str:
    """The resource a reference names: "ConfigTable", "SessionsTable/index/ref-index", "ExportsBucket/*"."""
    if "Fn::GetAtt" in resource:
        return resource["Fn::GetAtt"][0]
    return resource["Fn::Sub"].replace("${", "").replace(".Arn}", "")


def grants(statements) -> dict[str, set[str]]:
    """action -> the resources the statements allow it on."""
    granted: dict[str, set[str]] = {}
    for statement in statements:
        for action in listed(statement["Action"]):
            granted.setdefault(action, set()).update(resource_name(r) for r in listed(statement["Resource"]))
    return granted
