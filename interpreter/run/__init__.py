"""Scenarios over time: a scenario file, the event engine that plays it against checked
programs, and its expectations.
"""
