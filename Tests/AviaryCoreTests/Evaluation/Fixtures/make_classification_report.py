"""Writes classification_report.json: random predictions and what scikit-learn says of them.

Run with any Python that has numpy and scikit-learn (a test-only peer, never needed at run time):
    python3 make_classification_report.py
The expected calibration error is computed here with NumPy, independently of the Swift code:
equal-width bins over (lower, upper], confidence = probability of the arg-max class.
"""
import json

import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, precision_recall_fscore_support,
                             top_k_accuracy_score)

rng = np.random.default_rng(7)
classes = ["apple", "banana", "cherry", "date", "elder", "fig"]
n, c = 60, len(classes)
labels = rng.integers(0, c, size=n)
labels[labels == 5] = 4  # "fig" never occurs: its recall is 0 by sklearn's zero_division=0
logits = rng.normal(size=(n, c)).astype(np.float32)
logits[np.arange(n), labels] += 1.5
logits[:, 5] -= 2.5  # and it is rarely predicted
probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
probabilities = probabilities.astype(np.float32)
predicted = probabilities.argmax(axis=1)

precision, recall, f1, support = precision_recall_fscore_support(
    labels, predicted, labels=list(range(c)), zero_division=0)
macro = precision_recall_fscore_support(labels, predicted, labels=list(range(c)), average="macro", zero_division=0)
weighted = precision_recall_fscore_support(labels, predicted, labels=list(range(c)), average="weighted", zero_division=0)

bins = 15
confidence = probabilities.max(axis=1).astype(np.float64)
index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
ece = 0.0
for b in range(bins):
    mask = index == b
    if mask.any():
        ece += mask.mean() * abs((predicted[mask] == labels[mask]).mean() - confidence[mask].mean())

json.dump({
    "classes": classes,
    "labels": labels.tolist(),
    "probabilities": [[float(v) for v in row] for row in probabilities],
    "accuracy": accuracy_score(labels, predicted),
    "top3": top_k_accuracy_score(labels, probabilities, k=3, labels=list(range(c))),
    "precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(),
    "support": support.tolist(),
    "macro": list(macro[:3]), "weighted": list(weighted[:3]),
    "confusion": confusion_matrix(labels, predicted, labels=list(range(c))).tolist(),
    "ece": ece,
}, open("classification_report.json", "w"), indent=1)
