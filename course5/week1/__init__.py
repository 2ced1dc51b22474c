"""Course 5 week 1: recurrent neural networks.

numpy RNN and LSTM (step-by-step cells and fast sequence versions, forward and backward
through time), their mapping onto Keras' SimpleRNN/LSTM, a character-level language model
trained on names, and a Keras LSTM text generator. See README.md for the lecture map.
"""
