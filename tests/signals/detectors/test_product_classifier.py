"""The product-category classifier on constructed narratives: held-out accuracy and confident proposals only."""

import numpy as np

from surveillance.signals.detectors.product_classifier import ProductClassifier

PRODUCTS = {
    "P0201": ["电热水壶", "烧水壶", "开水"], "P0401": ["电动车电池", "充电器", "锂电池起火"],
    "P0101": ["玩具", "积木", "毛绒玩具"], "P0601": ["柜子", "衣柜", "书柜倾倒"],
}
FILLER = ["在家中", "使用时", "不慎", "被", "导致受伤", "晚上", "孩子", "老人"]


def _reports(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        code = rng.choice(list(PRODUCTS))
        words = [rng.choice(FILLER), rng.choice(PRODUCTS[code]), rng.choice(FILLER)]
        texts.append("".join(words))
        labels.append(str(code))
    return texts, labels


def test_held_out_accuracy_and_confident_proposals() -> None:
    texts, labels = _reports(600, 1)
    report = ProductClassifier(min_confidence=0.6).evaluate(texts, labels)
    assert report["held_out"] == 150 and report["accuracy"] >= 0.95
    assert report["coverage"] > 0.8 and report["accuracy_confident"] >= 0.97


def test_unrelated_text_gets_no_proposal() -> None:
    texts, labels = _reports(400, 2)
    model = ProductClassifier(min_confidence=0.6).fit(texts, labels)
    proposed, confidence = model.propose(["在家中开水烫伤", "天气晴朗心情很好"])
    assert proposed[0] == "P0201" and proposed[1] is None and confidence[1] < 0.6


def test_follows_scikit_learns_estimator_conventions() -> None:
    """Parameters only in __init__ (get_params/clone), fitted attributes with a trailing underscore set by fit,
    predict and predict_proba agreeing, and NotFittedError before fit."""
    import numpy as np
    import pytest
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    model = ProductClassifier(min_confidence=0.7, ngram_range=(1, 2))
    assert model.get_params() == {"min_confidence": 0.7, "ngram_range": (1, 2), "max_iter": 1000}
    with pytest.raises(NotFittedError):
        model.predict(["开水烫伤"])
    texts, labels = _reports(300, 3)
    fitted = model.fit(texts, labels)
    assert fitted is model and sorted(model.classes_) == sorted(set(labels))
    copy = clone(model)
    assert copy.get_params() == model.get_params() and not hasattr(copy, "classes_")
    proba = model.predict_proba(texts[:20])
    assert proba.shape == (20, len(model.classes_)) and np.allclose(proba.sum(axis=1), 1)
    assert (model.predict(texts[:20]) == model.classes_[proba.argmax(axis=1)]).all()
    assert model.score(texts, labels) >= 0.9  # ClassifierMixin's accuracy
