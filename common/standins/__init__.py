"""Deterministic synthetic stand-ins for the course's data files (same keys, shapes, dtypes).

One module per dataset: ``cats`` (cat vs non-cat), ``signs`` (SIGNS hand signs 0-5),
``happy`` (smiling vs not-smiling faces), ``names`` (name-like words for the character model).
"""
