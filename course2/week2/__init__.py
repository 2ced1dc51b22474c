"""Course 2, week 2: Optimization algorithms.

mini_batches.py (shuffled mini-batches), optimizers.py (Momentum, RMSprop, Adam with bias
correction, by name), schedules.py (learning-rate decay), keras_mapping.py (the same update
rules in Keras' conventions); run.py compares them on moons. Everything plugs into the
week 1 engine (course2/week1/model.py).
"""
