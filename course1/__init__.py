"""Course 1, Neural Networks and Deep Learning: logistic regression as a neural network
(week 2), one hidden layer (week 3) and a deep L-layer network (week 4)."""
