"""Pages and routes anyone may open.

pages         the start page, logging in and out, the portal's static files
passwords     the first login's new password, forgot and reset by code, change (/portal|/admin/password)
api           POST /api/login for a Bearer token, and /api/openapi.json
signup_pages  GET|POST /signup (form, or JSON for API clients)
signup_doc    POST /signup in the OpenAPI description, generated from its model
"""
