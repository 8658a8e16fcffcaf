"""The partner portal, admin console and signup: page and JSON API routers built on waymark.web."""
