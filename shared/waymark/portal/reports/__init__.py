"""Figures for partners and operators: dashboards, monthly reports, conversions review, exports.

figures      reports, conversions and exports for pages and JSON alike, with domain errors as HTTP ones
charts       daily charts as SVG geometry (pure)
pages        the partner's monthly report and CSV statement
api          the partner's figures as JSON
admin_pages  conversions to review and correct, the all-partners report, exports
conversion_actions  offline sales, reassignment, a page's decision, inside-sales visits, refusals as HTTP errors
admin_api    the same as JSON
schemas      what these routes accept and answer
views        reports shaped for the JSON API
"""
