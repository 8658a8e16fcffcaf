"""The operators' console for partners (/admin, /api/admin).

pages  partners by status, approval, edits, commission overrides, links, the inside-sales directory
api    the same as JSON
"""
