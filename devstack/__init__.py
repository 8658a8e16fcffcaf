"""The local stack: Waymark's Lambdas on an embedded AWS (moto), routed by template.yaml.

Development and test tooling only: never imported by functions/ or shared/, never shipped.
"""
