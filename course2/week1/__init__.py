"""Course 2, week 1: Practical aspects of deep learning.

The numpy engine the rest of Course 2 (and Course 4's numpy layers) builds on:
layers.py (Layer protocol, Dense), losses.py, optimizers.py (protocol, GradientDescent),
model.py (DNNModel); the week's lessons: initialization.py, regularization.py,
gradient_check.py, keras_twin.py; run.py ties them together.
"""
