"""Course 5: Sequence Models (recurrent networks, word vectors, attention, transformers)."""
