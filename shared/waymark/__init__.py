"""Waymark's own library: domain logic and data access shared by every Lambda function.

Modules import only what they use, so a handler that needs clicks never loads Jinja2,
pydantic or report code (see README "Dependency rules").
"""
