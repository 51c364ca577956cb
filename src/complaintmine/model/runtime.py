"""A model at run time, and the scoring core: texts to probabilities, decisions and (asked for) evidence.

Every path that turns texts into decisions goes through :func:`score_texts`: ``score_rows`` (and so
``classify_frame``, batch chunks and Dask partitions), ``predict_texts``, evaluation, and explanations. It calls
the model's scorer through one method, ``predict_proba(texts) -> ndarray`` (plus ``thresholds``), so another
model family only has to provide a scorer with those. Reading and writing model directories is artifact.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..io.text_checks import first_surrogate
from ..text.presale import has_presale_cue
from ..text.tokenizer import Tokenizer
from .scorer import LinearScorer

if TYPE_CHECKING:
    from .classifier import ComplaintClassifier
    from .explain import Evidence, Explainer


UNNAMED = "unnamed"  # the name of a model trained without one (not the shipped model's); saved, it takes its folder's


class Model:
    """A trained classifier with its manifest (name, version, labels, thresholds, metrics ...).

    Scores with the NumPy arrays of scorer.py when the model has them; ``classifier`` (the scikit-learn
    estimator) is loaded from the model directory only when something asks for it.
    """

    def __init__(
        self,
        classifier: ComplaintClassifier | None = None,
        manifest: dict[str, Any] | None = None,
        path: Path | None = None,
        scorer: LinearScorer | None = None,
    ):
        if classifier is None and path is None:
            raise ValueError("a Model needs a classifier or the directory to load it from")
        self._classifier = classifier
        self.manifest: dict[str, Any] = manifest if manifest is not None else {}
        self.path = path
        self.scorer = scorer
        self._explainer: Explainer | None = None

    def __repr__(self) -> str:
        where = f" from {self.path}" if self.path is not None else " (not saved)"
        return f"<Model {self.name} {self.version}{where}>"

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", UNNAMED))

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", "0"))

    @property
    def classifier(self) -> ComplaintClassifier:
        """The full estimator; loading it from disk imports scikit-learn and skops (about a second)."""
        if self._classifier is None:
            from .artifact import load_classifier

            assert self.path is not None  # guaranteed by __init__
            self._classifier = load_classifier(self.path, self.manifest, self.tokenizer)
        return self._classifier

    @property
    def tokenizer(self) -> Tokenizer:
        if self.scorer is not None:
            return self.scorer.tokenizer
        return self.classifier._tokenizer()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, len(TARGETS)), from the arrays when there are any.

        Raises InputError for a text with a lone surrogate (half a UTF-16 pair, e.g. from a JSON ``\\ud800``
        escape) that the tokenizer cannot read, naming the text and the character."""
        with _readable_texts(texts):
            if self.scorer is not None:
                return self.scorer.predict_proba(texts)
            return self.classifier.predict_proba(texts)

    def thresholds(self) -> np.ndarray:
        if self.scorer is not None:
            return self.scorer.thresholds
        return self.classifier.thresholds()

    def decide(self, texts: Sequence[str], proba: np.ndarray) -> np.ndarray:
        """Yes/no per target for ``proba`` of ``texts``: each at its threshold, and presale only for a text that
        names a pre-sale purchase (text/presale.py)."""
        decided = proba >= self.thresholds()
        for row in np.flatnonzero(decided[:, -1]):  # the few the model calls pre-sale: cheap on a million rows
            decided[row, -1] = has_presale_cue(texts[int(row)])
        return decided

    def explainer(self) -> Explainer:
        """The model's explainer, built on first use and kept: once per process and job, not per chunk."""
        if self._explainer is None:
            from .explain import Explainer

            self._explainer = Explainer(self)
            self._explainer.warm_up()
        return self._explainer

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_explainer"] = None
        return state


@contextmanager
def _readable_texts(texts: Sequence[Any]) -> Iterator[None]:
    """Turn the segmenter's UnicodeEncodeError on a lone surrogate into an InputError that says which text and
    where (searched for only after the failure: the texts of a batch job are checked per row before scoring)."""
    try:
        yield
    except UnicodeEncodeError:
        found = first_surrogate(list(texts))
        if found is None:
            raise
        index, position = found
        raise InputError(
            "<texts>",
            f"text {index} holds a lone surrogate (U+{ord(texts[index][position]):04X}, half a UTF-16 pair, as a "
            f"JSON \\u escape or undecodable bytes leave it) at character {position}: not valid Unicode, so it "
            "cannot be segmented; replace it (complaintmine.io.text_checks.replace_surrogates) or drop the text",
        ) from None


@dataclass(frozen=True)
class Scores:
    """Decisions for texts: probabilities and decisions per target (TARGETS order), evidence if asked."""

    proba: np.ndarray
    decided: np.ndarray
    evidence: list[dict[str, list[Evidence]]] | None = None


def is_dataframe(value: object) -> bool:
    """Whether ``value`` is a pandas DataFrame, told without importing pandas (scoring does not need it)."""
    return type(value).__name__ == "DataFrame" and hasattr(value, "columns")


def texts_list(texts: Sequence[Any]) -> list[Any]:
    """``texts`` as a list. Refused: one string (iterated, it would be scored as one text per character), a
    DataFrame or a dict (their column names or keys would be scored), and anything that is not iterable."""
    if isinstance(texts, (str, bytes)):
        what = "string" if isinstance(texts, str) else "bytes object"
        raise InputError("<texts>", f"expected a list of texts, got one {what}; pass [text]")
    if is_dataframe(texts) or isinstance(texts, Mapping):
        raise InputError(
            "<texts>",
            f"expected a list of texts, got a {type(texts).__name__} (its "
            f"{'keys' if isinstance(texts, Mapping) else 'column names'} would be scored); "
            "for a DataFrame use classify_frame(model, frame, text_column=...)",
        )
    try:
        return list(texts)
    except TypeError:
        raise InputError("<texts>", f"expected a list of texts, got {type(texts).__name__}") from None


def check_model(model: object) -> None:
    """Refuse anything but a :class:`Model` where one is needed (a path is the commonest slip)."""
    if not isinstance(model, Model):
        hint = f"; load it first: complaintmine.load_model({str(model)!r})" if isinstance(model, (str, Path)) else ""
        raise InputError("<model>", f"expected a Model from complaintmine.load_model, got {type(model).__name__}{hint}")


def score_texts(model: Model, texts: Sequence[str], explain: bool = False, top: int = 5) -> Scores:
    """Probabilities, the model's decisions (:meth:`Model.decide`), and with ``explain`` the evidence for the
    decided labels (the explainer reads the TF-IDF rows that scoring computed, when the scorer has them)."""
    texts = [str(text) for text in texts_list(texts)]
    if not explain:
        proba = model.predict_proba(texts)
        return Scores(proba, model.decide(texts, proba))
    explainer = model.explainer()
    with _readable_texts(texts):
        featurized = explainer.space.featurize(texts)
    opened = None  # where scoring read the forest and the reader; the explainer finds it itself without a scorer
    if model.scorer is not None and explainer.space is model.scorer.space and texts:
        proba, opened = model.scorer.proba_opened(featurized)
    else:
        proba = model.predict_proba(texts)
    decided = model.decide(texts, proba)
    return Scores(proba, decided, explainer.explain_decided(texts, featurized, decided, top, opened))
