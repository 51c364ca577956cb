"""The classifier and its files: n-grams, head, scorer, model directories, training, evaluation, explanations.

Importing this package imports nothing: scikit-learn is only imported by the modules that need it.
"""
