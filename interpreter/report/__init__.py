"""What people and programs read: values and derivations, runs, differences, lint findings,
coverage.
"""
