"""What the tests share; conftest files hold only fixtures. One module a subject:

- `events`: the sample events in events/, and API Gateway events for a request routed by template.yaml.
- `programs`: a program and its partners, links and advertiser, created through the domain functions.
- `web`: a small browser (`WebClient`) and the `Answer` every HTTP helper returns.
- `tracking`: a visitor's click through the click function, a merchant's postback through the postback function.
- `reporting`: sessions and conversions stored as the request paths write them, raw counter reads, outages.
- `remarketing`: remarketing configuration, customer items, a virtual clock, the emails SES accepted.
- `fuzzing`: hostile values and the properties every public endpoint keeps.
"""
