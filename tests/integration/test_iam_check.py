"""The IAM check is on for every invocation: a call the function's deployed role refuses is refused here."""

from tests.helpers.events import click_event


def test_a_call_the_role_does_not_allow_is_refused_as_aws_refuses_it(runtime, shop, iam_check, monkeypatch):
    roles = iam_check.roles
    without_reads = [s for s in roles.statements("ClickFunction") if not s.actions.match("dynamodb:GetItem")]
    monkeypatch.setattr(roles, "_compile", lambda function: without_reads)
    monkeypatch.setitem(roles._compiled, "ClickFunction", without_reads)

    runtime.invoke("ClickFunction", click_event(shop.link.code))
    refusals = list(iam_check.refusals)
    iam_check.refusals.clear()  # the refusal is this test's subject, not a failure of it

    assert refusals, "the click's GetItem on LinksTable went through a role that does not allow it"
    links = runtime.stack.physical["LinksTable"]["Arn"]
    assert refusals[0].startswith(f"ClickFunction may not dynamodb:GetItem on {links}")
    assert "no statement allows it" in refusals[0]


def test_calls_outside_an_invocation_are_not_checked(shop, iam_check):
    from waymark.models import Link

    assert Link.get(shop.link.code).code == shop.link.code  # test set-up reads what no role grants it
    assert iam_check.refusals == []
