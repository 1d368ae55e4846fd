"""The product-category classifier on constructed narratives: held-out accuracy and confident proposals only."""

import numpy as np

from surveillance.signals.product_classifier import ProductClassifier

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
    proposed, confidence = model.predict(["在家中开水烫伤", "天气晴朗心情很好"])
    assert proposed[0] == "P0201" and proposed[1] is None and confidence[1] < 0.6
