"""The partner's own portal (/portal, /api): only ever the calling partner's data.

pages  dashboard, links with snippets, profile
api    the same as JSON
views  partners and links shaped for pages and JSON alike
"""
