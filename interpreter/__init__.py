"""Clause: contracts as data.

The package is a generic engine: it reads clause files (``loader``), parses
their formulas (``parser``), checks names and units (``checker``), evaluates
terms exactly (``evaluator``) and reports values with their derivations
(``report``). It knows nothing of any particular contract; that lives in the
clause files.
"""

__version__ = "0.1.0"
