"""`make bench`: Waymark's performance budgets, measured, printed as one JSON object.

Plain `time.perf_counter_ns` loops with warm-up and medians; figures that need a fresh
process run in child interpreters. Each figure records its value, its budget and whether
the budget holds. Nothing here is imported by the product.
"""
