"""What people and programs read: values and derivations, runs, differences, lint findings,
coverage, and the pages for people who would rather look (the run as HTML with its charts,
the literate contract, what each reading puts at stake).
"""
