"""Stage 4, checked → evaluated: the exact back end, the inputs a user gives it and the
market data it reads.
"""
