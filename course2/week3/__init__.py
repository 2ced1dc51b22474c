"""Course 2 week 3: batch normalisation (a layer for the numpy engine), hyperparameter random
search on log scales, and a softmax classifier written from scratch in TensorFlow."""
