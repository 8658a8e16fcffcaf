"""A small browser for integration tests: requests routed by template.yaml, run through each
function's lambda_handler, with cookies kept between requests like a browser keeps them; and the
`Answer` every helper that makes an HTTP request returns."""

import json as jsonlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tests.helpers.events import http_event

_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Answer:
    """A function's answer to an HTTP request, as the gateway hands it to the caller."""

    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: str
    function: str

    @classmethod
    def of(cls, function: str, result: dict) -> "Answer":
        """The answer in a handler's proxy result (payload 2.0)."""
        return cls(
            status=result["statusCode"],
            headers=result.get("headers") or {},
            cookies=result.get("cookies") or [],
            body=result.get("body") or "",
            function=function,
        )

    @property
    def json(self):
        return jsonlib.loads(self.body)

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    def csrf(self) -> str:
        found = _CSRF_INPUT.search(self.body)
        assert found, f"no CSRF field on this page:\n{self.body[:2000]}"
        return found.group(1)


@dataclass
class WebClient:
    stack: object
    runtime: object
    bearer: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    source_ip: str = "198.51.100.7"  # each client its own address: attempt limits count per address

    def request(
        self,
        method: str,
        path: str,
        *,
        query: str | dict = "",
        form: dict | None = None,
        json: object = None,
        body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        if self.cookies:
            sent["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.bearer:
            sent["authorization"] = f"Bearer {self.bearer}"
        if form is not None:
            body = urlencode(form)
            sent.setdefault("content-type", "application/x-www-form-urlencoded")
        elif json is not None:
            body = jsonlib.dumps(json)
            sent.setdefault("content-type", "application/json")
        if isinstance(query, dict):
            query = urlencode(query)
        path, _, in_path = path.partition("?")  # a Location header carries its query
        query = query or in_path
        function, event = http_event(
            self.stack, method, path, query=query, headers=sent, body=body or "", source_ip=self.source_ip
        )
        result = self.runtime.invoke(function, event)
        for cookie in result.get("cookies") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Answer.of(function, result)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Answer:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs) -> Answer:
        return self.request("PATCH", path, **kwargs)

    def submit(self, page_path: str, action: str, fields: dict, **kwargs) -> Answer:
        """Open the page with the form, then post it with the page's CSRF token, like a browser."""
        token = self.get(page_path, **kwargs).csrf()
        return self.post(action, form={"csrf_token": token, **fields})

    def log_in(self, email: str, password: str) -> Answer:
        """A password-only login (partners); operators also need a code: tests.helpers.operators.log_in_operator."""
        answer = self.submit("/login", "/login", {"email": email, "password": password})
        assert answer.status == 303, answer.body[:500]
        return answer
