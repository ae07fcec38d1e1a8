"""Stage 1, files → parsed: YAML with positions, a contract file's provisions and entries,
formulas as trees.
"""
