"""The fitted ranking: a candidate model that orders passages and an answerability model that
decides whether to answer at all, with the decline threshold.

- The candidate model scores each (question, passage) row of FEATURE_NAMES: the probability
  that the passage answers the question. It orders the answer.
- The answerability model reads the question as a whole through its best candidates
  (ANSWERABILITY_FEATURES) and gives the probability that the documents answer it at all; the
  question is declined below `threshold`.

Both are logistic models over standardised, named features. Why logistic regression rather
than gradient boosting: about a hundred questions give a few thousand candidate rows and a
hundred question rows; a linear model over explicit features cannot memorise a question, its
weights can be read in the file, and its probabilities are smooth enough to put a threshold on.
Applying a model needs numpy only; fitting uses scikit-learn (imported in the fit functions,
never at serving time). The model file (JSON, index/models/) carries the feature names, the
scaling, the weights, the threshold, the seed, a hash of the questions it was fit on and the
cross-validated figures that chose it; `binhdang ranker fit` writes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.features import ANSWERABILITY_FEATURES, FEATURE_NAMES, question_features

MODELS_DIR = Path(__file__).resolve().parent / "models"


def model_path(mode: str) -> Path:
    """The shipped model for a ranking mode ('fused' or 'lexical')."""
    return MODELS_DIR / f"ranker-{mode}.json"


class RankerMismatch(ValueError):
    """The model file was fit on other features than this code computes."""


@dataclass(frozen=True)
class LinearModel:
    """Standardise, then a weighted sum (through the logistic function for a probability)."""

    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float

    def logits(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            return np.zeros(0)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights) + self.intercept

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(features), -30, 30)))

    def to_dict(self) -> dict:
        return {
            "feature_names": list(self.feature_names),
            "weights_by_feature": {name: round(w, 4) for name, w in zip(self.feature_names, self.weights)},
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data: dict, expected: tuple[str, ...], path: Path) -> "LinearModel":
        model = cls(
            feature_names=tuple(data["feature_names"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            intercept=float(data["intercept"]),
        )
        if model.feature_names != expected:
            raise RankerMismatch(
                f"{path} was fit on other features than this code computes; refit it: "
                "binhdang ranker fit --gold <questions.jsonl>"
            )
        return model


@dataclass(frozen=True)
class Ranker:
    """The candidate model, the answerability model and the decline threshold of one mode."""

    candidates: LinearModel
    answerability: LinearModel
    threshold: float  # decline when the answerability is below this
    info: dict = field(default_factory=dict, compare=False)  # seed, data hash, CV figures, C

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(answers the question) for each candidate row: the order of the answer."""
        return self.candidates.probabilities(features)

    def answerable(self, features: np.ndarray) -> float:
        """P(the documents answer the question at all), from its candidates' rows."""
        if features.shape[0] == 0:
            return 0.0
        row = question_features(features, self.candidates.logits(features))
        return float(self.answerability.probabilities(row[None, :])[0])

    def with_threshold(self, threshold: float) -> "Ranker":
        return Ranker(self.candidates, self.answerability, threshold, dict(self.info))

    def save(self, path: Path) -> None:
        data = {
            "threshold": self.threshold,
            "info": self.info,
            "candidates": self.candidates.to_dict(),
            "answerability": self.answerability.to_dict(),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Ranker":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            candidates=LinearModel.from_dict(data["candidates"], FEATURE_NAMES, path),
            answerability=LinearModel.from_dict(data["answerability"], ANSWERABILITY_FEATURES, path),
            threshold=float(data["threshold"]),
            info=data.get("info", {}),
        )


def fit_linear(
    features: np.ndarray, labels: np.ndarray, names: tuple[str, ...], *, c: float, seed: int
) -> LinearModel:
    """A class-balanced logistic model on standardised features (scikit-learn, lazily imported)."""
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0  # a feature that never varies (cosine in a lexical index) weighs nothing
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=seed)
    model.fit((features - mean) / scale, labels)
    return LinearModel(
        feature_names=names,
        mean=tuple(float(x) for x in mean),
        scale=tuple(float(x) for x in scale),
        weights=tuple(float(x) for x in model.coef_[0]),
        intercept=float(model.intercept_[0]),
    )


def choose_threshold(answerability: np.ndarray, in_scope: np.ndarray, hit: np.ndarray) -> float:
    """The decline threshold that makes the most right decisions on held-out questions.

    A decision is right when the question is out of scope and declined, or in scope, answered
    and a passage that answers it is among the first five. Among equally good thresholds the
    middle one is taken, so a question near the edge is not decided by chance.
    """
    values = np.unique(np.concatenate([[0.0, 1.0], answerability]))
    # Candidate thresholds half-way between neighbouring observed values.
    candidates = np.concatenate([[0.0], (values[:-1] + values[1:]) / 2])
    right = np.array(
        [
            int(np.sum(~in_scope & (answerability < t)) + np.sum(in_scope & (answerability >= t) & hit))
            for t in candidates
        ]
    )
    best = np.flatnonzero(right == right.max())
    return float(candidates[best[len(best) // 2]])
