"""The same one-hidden-layer network in TensorFlow 2: ``tf.Variable`` + ``tf.GradientTape``.

No Keras layers here: the parameters are four ``tf.Variable``s with the numpy version's names
and shapes (W1 (n_h, n_x), b1 (n_h, 1), W2 (1, n_h), b2 (1, 1)), the forward pass is the same
three lines, and the backward pass is not written at all: ``tf.GradientTape`` records the
forward operations and ``tape.gradient`` runs backpropagation through them. The update is
plain gradient descent, ``W.assign_sub(learning_rate * dW)``.

Training runs ``record_every`` steps inside one ``tf.function`` call (a ``tf.range`` loop that
AutoGraph turns into a graph loop), so 10,000 steps cost a handful of Python calls.

Started from the numpy initial parameters, in float64, it follows the numpy version step for
step (a test checks it); over thousands of steps rounding differences of 1e-16 can slowly
grow, which the run script reports.
"""
from __future__ import annotations

import numpy as np

from common import runner
from common.progress import Progress
from course1.week2 import validation
from course1.week3 import shallow_network

tf = runner.import_tensorflow()


class TFShallowNetwork(tf.Module):
    """tanh hidden layer, sigmoid output; parameters are ``tf.Variable``s."""

    def __init__(self, parameters: dict[str, np.ndarray], dtype=tf.float64, name=None) -> None:
        super().__init__(name=name)
        shallow_network.check_parameters(parameters, parameters["W1"].shape[1])
        self.dtype = dtype
        self.W1 = tf.Variable(parameters["W1"], dtype=dtype, name="W1")  # (n_h, n_x)
        self.b1 = tf.Variable(parameters["b1"], dtype=dtype, name="b1")  # (n_h, 1)
        self.W2 = tf.Variable(parameters["W2"], dtype=dtype, name="W2")  # (1, n_h)
        self.b2 = tf.Variable(parameters["b2"], dtype=dtype, name="b2")  # (1, 1)

    @property
    def n_x(self) -> int:
        return int(self.W1.shape[1])

    def _variables(self):
        return [self.W1, self.b1, self.W2, self.b2]

    def logits(self, X):
        """X (n_x, m) -> Z2 (1, m)."""
        A1 = tf.tanh(self.W1 @ X + self.b1)  # (n_h, m)
        return self.W2 @ A1 + self.b2        # (1, m)

    def loss(self, X, Y):
        """Mean cross-entropy from the logits (TensorFlow's stable sigmoid cross-entropy)."""
        losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=self.logits(X))  # (1, m)
        return tf.reduce_mean(losses)

    def _tensors(self, X: np.ndarray, Y: np.ndarray):
        X, Y = validation.check_XY(X, Y, n_x=self.n_x)
        return tf.constant(X, dtype=self.dtype), tf.constant(Y, dtype=self.dtype)

    def gradients(self, X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
        """dJ/d(each parameter) by automatic differentiation, named like the numpy backward."""
        x, y = self._tensors(X, Y)
        with tf.GradientTape() as tape:
            J = self.loss(x, y)
        grads = tape.gradient(J, self._variables())
        return {"d" + name: g.numpy() for name, g in zip(shallow_network.PARAMETER_NAMES, grads)}

    def train(self, X: np.ndarray, Y: np.ndarray, learning_rate: float, num_iterations: int,
              record_every: int = 1000, progress: bool = False) -> np.ndarray:
        """Full-batch gradient descent. Returns the cost before iterations 0, record_every, ..."""
        x, y = self._tensors(X, Y)
        learning_rate = validation.check_learning_rate(learning_rate)
        num_iterations = validation.check_iterations(num_iterations)
        record_every = validation.check_iterations(record_every, "record_every")
        rate = tf.constant(learning_rate, dtype=self.dtype)
        variables = self._variables()

        @tf.function
        def run_steps(n):
            losses = tf.TensorArray(self.dtype, size=n)
            for i in tf.range(n):
                with tf.GradientTape() as tape:
                    J = self.loss(x, y)
                for v, g in zip(variables, tape.gradient(J, variables)):
                    v.assign_sub(rate * g)
                losses = losses.write(i, J)
            return losses.stack()  # (n,) the cost before each step

        costs = []
        bar = Progress(num_iterations, "one hidden layer (TensorFlow)", enabled=progress)
        done = 0
        while done < num_iterations:
            n = min(record_every, num_iterations - done)
            losses = run_steps(tf.constant(n)).numpy()
            bad = np.flatnonzero(~np.isfinite(losses))
            if bad.size:
                runner.check_finite(losses[bad[0]], done + int(bad[0]))
            costs.append(float(losses[0]))
            done += n
            bar.update(done, cost=float(losses[-1]))
        return np.asarray(costs)

    def parameters(self) -> dict[str, np.ndarray]:
        """The current parameters as numpy arrays (the numpy version's layout)."""
        names = shallow_network.PARAMETER_NAMES
        return {name: v.numpy() for name, v in zip(names, self._variables())}

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Labels 0/1 (1, m) int64."""
        X = validation.check_X(X, n_x=self.n_x)
        return (self.logits(tf.constant(X, dtype=self.dtype)).numpy() > 0).astype(np.int64)
