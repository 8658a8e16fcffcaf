"""With a custom tracking domain, every link the portal and the console show is on it, whatever
host the page was asked on (template.yaml gives the functions LINK_BASE_URL)."""

from devstack.template import Stack

DOMAIN = "https://track.merchant.example"


def test_the_template_gives_the_link_functions_the_domain():
    stack = Stack(parameters={"DomainName": "track.merchant.example", "CertificateArn": "arn:aws:acm:x"})
    for name in ("portal", "api", "signup"):
        assert stack.environment(stack.function(name))["LINK_BASE_URL"] == DOMAIN
    # Without one, links follow the host the request came to (API Gateway's domain name).
    assert Stack().environment(Stack().function("portal"))["LINK_BASE_URL"] == ""


def test_links_are_on_the_tracking_domain_not_the_requests_host(world, runtime, api_a, api_admin, as_a, monkeypatch):
    for function in ("ApiFunction", "PortalFunction"):
        runtime.handler(function)  # imported first: an import applies the template's environment
    monkeypatch.setenv("LINK_BASE_URL", DOMAIN + "/")
    created = api_a.post("/api/links", json={"destination": "https://www.example.com/x", "name": "X"}).json
    assert created["tracking_url"] == f"{DOMAIN}/c/{created['code']}"
    assert f"{DOMAIN}/c/{created['code']}" in as_a.get(f"/portal/links/{created['code']}").body
    bravo = api_admin.get("/api/admin/inside-sales").json["concierges"][0]
    assert bravo["sales_link"].startswith(f"{DOMAIN}/c/{world.b.agent_id}?url=")
