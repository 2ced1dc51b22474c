"""Course 4 week 1: foundations of convolutional networks, from scratch in numpy and in Keras.

padding.py (padding rules, output sizes), conv.py and pool.py (loop and vectorised
forward/backward), fused.py (the CONV -> ReLU -> MAXPOOL fast path), softmax.py (the full
Jacobian backward), layers.py (the engine's layers), network.py (the course network), run.py
(training on SIGNS), keras_app.py (the Sequential and Functional Keras models).
"""
