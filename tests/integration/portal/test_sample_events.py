"""The sample events in events/ (which the packaging test also runs against the built functions)."""

from tests.helpers.events import load_event
from tests.helpers.programs import make_program

EXPECTED = {
    ("SignupFunction", "signup", "form"): 200,
    ("SignupFunction", "signup", "invalid-json"): 422,
    ("PortalFunction", "portal", "login-page"): 200,
    ("PortalFunction", "portal", "portal-anonymous"): 303,
    ("PortalFunction", "portal", "static-css"): 200,
    ("ApiFunction", "api", "openapi"): 200,
    ("ApiFunction", "api", "login-wrong-password"): 401,
    ("ApiFunction", "api", "links-anonymous"): 401,
}


def test_each_sample_event_gets_its_answer(runtime):
    make_program("shop")
    for (function, folder, name), status in sorted(EXPECTED.items()):
        answer = runtime.invoke(function, load_event(folder, name))
        assert answer["statusCode"] == status, (name, answer.get("body", "")[:500])
        assert "Content-Security-Policy" in answer["headers"]


def test_every_sample_event_of_the_web_functions_is_checked():
    from devstack.template import ROOT

    present = {
        (folder, path.stem)
        for folder in ("signup", "portal", "api")
        for path in (ROOT / "events" / folder).glob("*.json")
    }
    assert present == {(folder, name) for _, folder, name in EXPECTED}
