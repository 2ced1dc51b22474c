"""Course 1 week 3: a network with one tanh hidden layer (numpy and TensorFlow GradientTape) on
the 2-D flower and other planar sets."""
