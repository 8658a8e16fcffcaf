"""The OpenAPI description is generated from the code, public, and a valid OpenAPI document."""

from openapi_spec_validator import validate

from tests.helpers.portal import resolver_routes
from tests.helpers.web import WebClient
from waymark.conversions.vocabulary import Channel, ConversionStatus
from waymark.partners.vocabulary import LinkStatus, PartnerStatus, PartnerType


def test_the_description_is_public_valid_and_covers_every_api_route(world):
    answer = WebClient(world.stack, world.runtime).get("/api/openapi.json")
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/json"
    document = answer.json
    validate(document)
    paths = document["paths"]
    assert set(paths["/api/links"]) == {"get", "post"}
    assert set(paths["/api/links/{code}"]) == {"get", "patch"}
    assert "/api/admin/partners/{agent_id}/status" in paths and "/api/admin/inside-sales" in paths
    assert "/api/openapi.json" not in paths
    schemas = document["components"]["schemas"]
    assert {"LinkCreate", "PartnerUpdate", "CommissionRuleIn", "SignupRequest", "SignupAccepted"} <= set(schemas)
    assert {"SignupResult", "VerifyEmailRequest", "ResendCodeRequest"} <= set(schemas)
    assert set(schemas["PartnerOut"]["properties"]) >= {"agent_id", "status", "sales_link", "commission_rules"}
    signup = paths["/signup"]["post"]
    assert set(signup["requestBody"]["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    assert {"202", "422", "429"} <= set(signup["responses"]) and "409" not in signup["responses"]
    assert "accept_terms" in schemas["SignupRequest"]["properties"]
    assert {"200", "400", "429"} <= set(paths["/signup/verify"]["post"]["responses"])
    assert "202" in paths["/signup/resend"]["post"]["responses"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_vocabularies_are_described_with_their_values(world):
    document = WebClient(world.stack, world.runtime).get("/api/openapi.json").json
    schemas = document["components"]["schemas"]
    for vocabulary in (Channel, ConversionStatus, LinkStatus, PartnerStatus, PartnerType):
        assert schemas[vocabulary.__name__]["enum"] == [member.value for member in vocabulary]
    assert schemas["PartnerOut"]["properties"]["status"] == {"$ref": "#/components/schemas/PartnerStatus"}
    filters = {p["name"]: p["schema"] for p in document["paths"]["/api/admin/conversions"]["get"]["parameters"]}
    assert {"$ref": "#/components/schemas/ConversionStatus"} in filters["status"]["anyOf"]
    assert {"$ref": "#/components/schemas/Channel"} in filters["channel"]["anyOf"]


def test_every_api_route_of_the_resolver_is_described(world):
    document = WebClient(world.stack, world.runtime).get("/api/openapi.json").json
    for key, function in resolver_routes().items():
        method, path = key.split(" ", 1)
        if function != "ApiFunction" or path == "/api/openapi.json":
            continue
        described = path.replace("<", "{").replace(">", "}")
        assert method.lower() in document["paths"].get(described, {}), key
