"""Course 1 week 4: the L-layer building blocks (linear and activation forward/backward pairs)
composed into a deep network (numpy and Keras), on cat vs non-cat images."""
