"""Shared helpers for every week: data files and stand-ins, plotting, gradient checking,
run-script plumbing (arguments, outputs, seeding) and progress output.

``common`` imports no week. It does not import TensorFlow at module import time, so
numpy-only weeks and tests stay fast.
"""
