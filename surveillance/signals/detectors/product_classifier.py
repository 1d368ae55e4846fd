"""Proposes a product category for injury reports that arrive without one, from their free text
(product name and narrative), with character n-grams: Chinese text needs no word segmentation.

Only confident proposals are used (``min_confidence``); ``evaluate`` measures accuracy on held-out
labelled reports, for the confident share and overall, so the threshold can be set from evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted


class ProductClassifier(ClassifierMixin, BaseEstimator):
    """A scikit-learn estimator (``fit``, ``predict``, ``predict_proba``, ``clone``-able): TF-IDF of
    character n-grams and a logistic regression. ``propose`` keeps the confident predictions only."""

    def __init__(self, min_confidence: float = 0.8, ngram_range: tuple[int, int] = (1, 3), max_iter: int = 1000) -> None:
        self.min_confidence = min_confidence
        self.ngram_range = ngram_range
        self.max_iter = max_iter

    def fit(self, texts: list[str], labels: list[str]) -> ProductClassifier:
        self.pipeline_ = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, sublinear_tf=True),
            LogisticRegression(max_iter=self.max_iter),
        ).fit(texts, labels)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        check_is_fitted(self)
        return self.pipeline_.predict_proba(texts)

    def predict(self, texts: list[str]) -> np.ndarray:
        """The most probable category of each text, however unsure."""
        proba = self.predict_proba(texts)
        return self.classes_[proba.argmax(axis=1)]

    def propose(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Proposed category (None below ``min_confidence``) and the model's probability for it."""
        proba = self.predict_proba(texts)
        best = proba.argmax(axis=1)
        confidence = proba[np.arange(len(texts)), best]
        labels = self.classes_[best].astype(object)
        labels[confidence < self.min_confidence] = None
        return labels, confidence

    def evaluate(self, texts: list[str], labels: list[str], test_size: float = 0.25, seed: int = 0) -> dict:
        """Fit on part of the labelled reports, score the rest: accuracy overall and of confident proposals."""
        return self.fit_held_out(texts, labels, test_size, seed)[1]

    def fit_held_out(self, texts: list[str], labels: list[str], test_size: float = 0.25,
                     seed: int = 0) -> tuple[ProductClassifier, dict]:
        """A clone of this classifier fitted on part of the labelled reports, and its figures on the rest
        (``evaluate``'s): held out, accuracy, coverage, accuracy of the confident proposals."""
        train_x, test_x, train_y, test_y = train_test_split(texts, labels, test_size=test_size, random_state=seed,
                                                            stratify=labels)
        model = clone(self).fit(train_x, train_y)
        proposed, _ = model.propose(test_x)
        truth = np.asarray(test_y, dtype=object)
        confident = proposed != None  # noqa: E711 - elementwise on an object array
        return model, {"held_out": len(test_y), "accuracy": float((model.predict(test_x) == truth).mean()),
                       "coverage": float(confident.mean()),
                       "accuracy_confident": float((proposed[confident] == truth[confident]).mean()) if confident.any() else None}


MIN_ACCURACY = 0.95  # proposals are used only when the confident ones were this accurate on held-out reports
MAX_TRAINING = 20_000


def report_text(reports: pd.DataFrame) -> list[str]:
    """The free text a category is proposed from: product name and narrative."""
    return (reports["product_name"].fillna("") + " " + reports["narrative"].fillna("")).str.strip().tolist()


def fit_proposer(coded: pd.DataFrame, min_confidence: float = 0.8, min_accuracy: float = MIN_ACCURACY,
                 seed: int = 0) -> tuple[ProductClassifier | None, dict]:
    """A classifier fitted on ``coded`` reports (``product_code``, ``product_name``, ``narrative``) and its
    held-out figures; None when there are too few coded reports or its confident proposals fell short
    of ``min_accuracy`` on held-out reports."""
    if coded["product_code"].nunique() < 2 or len(coded) < 100:
        return None, {"used": False, "reason": "too few coded reports"}
    train = coded.sample(min(len(coded), MAX_TRAINING), random_state=seed)
    counts = train["product_code"].value_counts()
    train = train[train["product_code"].isin(counts[counts >= 4].index)]  # stratified split needs a few each
    model, held = ProductClassifier(min_confidence=min_confidence).fit_held_out(
        report_text(train), train["product_code"].tolist(), seed=seed)
    accuracy = held["accuracy_confident"] or 0.0
    figures = {"held_out": held["held_out"], "coverage": round(held["coverage"], 4), "accuracy_confident": round(accuracy, 4),
               "min_confidence": min_confidence}
    if accuracy < min_accuracy:
        return None, {**figures, "used": False, "reason": f"held-out accuracy below {min_accuracy}"}
    return model, {**figures, "used": True}
