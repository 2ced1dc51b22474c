"""Course 4 week 2: residual networks (ResNet) in low-level TensorFlow, with a Keras twin."""
