"""Stage 3, linked → checked: every formula typed and every name resolved, or a diagnostic
at its place.
"""
