"""Course 4: Convolutional Neural Networks."""
