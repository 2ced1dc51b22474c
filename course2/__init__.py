"""Course 2: Improving Deep Neural Networks (hyperparameter tuning, regularization, optimization).

week1  the numpy engine (DNNModel, Dense, losses, plain gradient descent), initialisation,
       L2 and dropout regularisation, gradient checking, and a Keras twin
week2  optimizers (Momentum, RMSprop, Adam), learning-rate schedules, shuffled mini-batches
week3  batch normalisation and softmax (plugs into the week 1 engine)
"""
