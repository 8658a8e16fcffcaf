"""IAM policy statements as template.yaml writes them, read as the permission tests compare them:
by action, and by the logical id of the resource each is allowed on."""


def listed(value) -> list:
    """A statement's Action or Resource, which may be one value or a list, as a list."""
    return value if isinstance(value, list) else [value]


def resource_name(resource) -> str:
    """The resource a reference names: "ConfigTable", "AgentsTable/index/program-status-index", "ExportsBucket/*"."""
    if "Fn::GetAtt" in resource:
        return resource["Fn::GetAtt"][0]
    return resource["Fn::Sub"].replace("${", "").replace(".Arn}", "")


def decided(statements, stack=None) -> list[dict]:
    """The statements, each conditional one (Fn::If) as `stack`'s parameters decide it (by default the
    test stack's: template.yaml's defaults); one that decides to AWS::NoValue is left out."""
    if stack is None:
        from tests.helpers.stack import STACK

        stack = STACK
    out = []
    for statement in statements:
        if "Fn::If" in statement:
            condition, yes, no = statement["Fn::If"]
            statement = yes if stack.condition(condition) else no
        if statement != {"Ref": "AWS::NoValue"}:
            out.append(statement)
    return out


def grants(statements, stack=None) -> dict[str, set[str]]:
    """action -> the resources the statements allow it on (conditional ones as `decided`)."""
    granted: dict[str, set[str]] = {}
    for statement in decided(statements, stack):
        for action in listed(statement["Action"]):
            granted.setdefault(action, set()).update(resource_name(r) for r in listed(statement["Resource"]))
    return granted
