"""Operators' remarketing configuration (/admin/remarketing, /api/admin/remarketing).

pages    cross-sell profiles, email templates with preview, channel subjects
api      the same as JSON
actions  the remarketing domain functions with domain errors turned into HTTP ones
forms    stored configuration -> form values -> the domain's input models
views    configuration shaped for pages and JSON alike
"""
