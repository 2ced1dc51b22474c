"""Course 1 week 2: logistic regression as a neural network (numpy, Keras Sequential, Keras
Functional), trained on cat vs non-cat images."""
