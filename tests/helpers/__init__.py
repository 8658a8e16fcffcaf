"""What the tests share; conftest files hold only fixtures. One module a subject:

- `stack`: the embedded AWS (template.yaml's stack, its functions, the AWS request recorder, warm-state reset).
- `events`: the sample events in events/, and API Gateway events for a request routed by template.yaml.
- `programs`: a program and its partners, links and advertiser, created through the domain functions.
- `web`: a small browser (`WebClient`) and the `Answer` every HTTP helper returns.
- `tracking`: a visitor's click through the click function, a merchant's postback through the postback function.
- `tokens`: ID tokens signed as moto's user pool signs them, and the operator's login.
- `portal`: the portal's world (partners A and B, a pending and a suspended one), its clients, stored
  state, figures for the report pages, and the web functions' routes.
- `reporting`: clicks and sales stored as the request paths write them, raw counter reads, the stream's deliveries.
- `faults`: outages of one operation on Waymark's shared AWS clients.
- `concurrency`: callers at the same moment (threads released together).
- `remarketing`: remarketing configuration, customer items, a virtual clock, the sender's daily run, sent emails.
- `fuzzing`: hostile values and the properties every public endpoint keeps.
- `policies`: template.yaml's IAM statements by action and resource.
- `iam`: each AWS call a function makes, checked against its role as aws-sam-translator deploys it.
- `local_stack`: `python -m devstack serve` in its own process, for the end-to-end tests.
"""
