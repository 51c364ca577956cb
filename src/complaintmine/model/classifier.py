"""The complaint classifier: jieba word n-grams and character n-grams into a thresholded one-vs-rest head.

``ComplaintClassifier`` follows the scikit-learn estimator contract (``__init__`` stores, ``fit`` learns and
returns ``self``, learned state ends in ``_``) but takes raw texts, so scikit-learn's generic checks apply to its
numeric head (:class:`~complaintmine.head.ThresholdedOneVsRest`), which is tested with them.
Targets are the five issue labels plus ``presale``, as columns of a 0/1 matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from ..errors import TrainingError
from ..labels import ISSUE_LABELS, TARGETS
from ..text.tokenizer import Tokenizer, TokenizerConfig
from . import ngrams
from .forest import FOREST_SETTINGS, Forest, fit_forest
from .gated import gated_proba
from .head import ThresholdedOneVsRest
from .ngrams import char_documents, mask_digits, normalized_texts, prepare_inputs
from .reader import NO_TORCH, READER_SETTINGS, Reader, fit_reader, torch_available
from .tfidf import TfidfRows

FEATURE_KINDS = ("words", "chars", "both")
MODEL_KINDS = ("logreg", "svm", "cnb")


class ComplaintClassifier(BaseEstimator):
    """Multi-label complaint classifier over raw texts.

    Parameters
    ----------
    features : "words" (jieba tokens), "chars" (character n-grams) or "both".
    word_ngram_range, char_ngram_range : n-gram ranges of the two vectorisers.
    min_df : minimum document frequency of a feature.
    model : "logreg" (logistic regression), "svm" (linear SVM, sigmoid-calibrated) or "cnb" (complement NB).
    C : inverse regularisation strength (logreg, svm); alpha for cnb is 1/C.
    class_weight : "balanced" or None.
    tune_thresholds : learn per-target thresholds by cross-validation on the training data.
    cv : folds for threshold tuning.
    random_state : seed for every random choice.
    tokenizer_config : how texts become tokens; None means the default config.
    mask_digits : map every digit to 0 before building features, so amounts and dates count as "a number"
        rather than as particular numbers (team-written texts use different amounts than real reviews).
    modality : "none", or a scheme of text/modality.SCHEMES: the word features also hold each cue-bearing
        sentence's (or clause's) tokens marked with its modality (a question, a worry, hearsay, a remedy,
        satisfaction, negation), so the model can learn that 涨 under 如果 is not 涨.
    forest : "none", or a setting of forest.FOREST_SETTINGS: boosted trees per issue label over the same
        features (fitted with LightGBM), averaged with the linear probability where that reaches the setting's
        gate (forest.py). Needs model="logreg" and fixed thresholds.
    reader : "none", or a setting of reader.READER_SETTINGS: a character BiGRU (fitted with PyTorch) averaged in
        on the forest's gated cells where it can change the decision (reader.py). Needs a forest and
        character features.
    """

    def __init__(
        self,
        features: str = "both",
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (1, 3),
        min_df: int = 2,
        model: str = "logreg",
        C: float = 10.0,
        class_weight: str | None = "balanced",
        tune_thresholds: bool = True,
        cv: int = 5,
        random_state: int | None = 0,
        tokenizer_config: TokenizerConfig | None = None,
        mask_digits: bool = False,
        modality: str = "none",
        forest: str = "none",
        reader: str = "none",
    ):
        self.features = features
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.model = model
        self.C = C
        self.class_weight = class_weight
        self.tune_thresholds = tune_thresholds
        self.cv = cv
        self.random_state = random_state
        self.tokenizer_config = tokenizer_config
        self.mask_digits = mask_digits
        self.modality = modality
        self.forest = forest
        self.reader = reader

    # -- building blocks -------------------------------------------------------------------------------------

    def _make_tokenizer(self) -> Tokenizer:
        return Tokenizer(self.tokenizer_config)

    def _base_estimator(self) -> Any:
        if self.model == "logreg":
            return LogisticRegression(
                C=self.C, class_weight=self.class_weight, max_iter=2000, random_state=self.random_state
            )
        if self.model == "svm":
            svm = LinearSVC(C=self.C / 10.0, class_weight=self.class_weight, random_state=self.random_state)
            return CalibratedClassifierCV(svm, method="sigmoid", cv=3)
        if self.model == "cnb":
            return ComplementNB(alpha=1.0 / self.C)
        raise ValueError(f"model must be one of {MODEL_KINDS}, got {self.model!r}")

    def _vectorizers(self) -> tuple[TfidfVectorizer | None, TfidfVectorizer | None]:
        if self.features not in FEATURE_KINDS:
            raise ValueError(f"features must be one of {FEATURE_KINDS}, got {self.features!r}")
        words = chars = None
        if self.features in ("words", "both"):
            # Texts are pre-tokenised into space-joined jieba tokens, so the vectoriser holds no callable and
            # can be saved in a safe format. token_pattern splits on those spaces only.
            words = TfidfVectorizer(
                token_pattern=r"\S+",
                lowercase=False,
                ngram_range=tuple(self.word_ngram_range),
                min_df=self.min_df,
                sublinear_tf=True,
            )
        if self.features in ("chars", "both"):
            chars = TfidfVectorizer(
                analyzer="char",
                lowercase=False,
                ngram_range=tuple(self.char_ngram_range),
                min_df=self.min_df,
                sublinear_tf=True,
            )
        return words, chars

    # -- features ----------------------------------------------------------------------------------------------

    def _tokenizer(self) -> Tokenizer:
        if getattr(self, "_tokenizer_instance", None) is None:
            self._tokenizer_instance = self._make_tokenizer()
        return self._tokenizer_instance

    def mask(self, text: str) -> str:
        """What features see of a normalised text or token: digits become 0 when ``mask_digits`` is on."""
        return mask_digits(text) if self.mask_digits else text

    def _inputs(self, texts: Sequence[str]) -> tuple[list[str], list[str]]:
        return prepare_inputs(texts, self._tokenizer(), self.features, bool(self.mask_digits), self.modality)

    def _matrix(self, texts: Sequence[str], fit: bool = False) -> sp.csr_matrix:
        tokenized, normalized = self._inputs(texts)
        blocks = []
        for vec, docs in ((self.word_vectorizer_, tokenized), (self.char_vectorizer_, normalized)):
            if vec is None:
                continue
            if fit:
                blocks.append(vec.fit_transform(docs))
            elif ngrams.supported(vec):  # the n-gram engine that scoring and explanations use
                blocks.append(ngrams.transform(vec, docs))
            else:
                blocks.append(vec.transform(docs))
        return sp.hstack(blocks, format="csr") if len(blocks) > 1 else sp.csr_matrix(blocks[0])

    def feature_names(self) -> list[str]:
        """Feature names, prefixed ``w:`` (word n-grams, tokens joined by spaces) or ``c:`` (characters)."""
        check_is_fitted(self, "head_")
        names: list[str] = []
        if self.word_vectorizer_ is not None:
            names += ["w:" + name for name in self.word_vectorizer_.get_feature_names_out()]
        if self.char_vectorizer_ is not None:
            names += ["c:" + name for name in self.char_vectorizer_.get_feature_names_out()]
        return names

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The feature matrix of ``texts`` (rows in input order)."""
        check_is_fitted(self, "head_")
        return self._matrix(texts)

    # -- estimator API -----------------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        Y: Any,
        target_domain: Any = None,
        sample_weight: Any = None,
        progress: Callable[[str], None] | None = None,
    ) -> ComplaintClassifier:
        """Learn from ``texts`` and ``Y``, a 0/1 matrix with one column per name in :data:`TARGETS`.

        ``target_domain`` (optional, one bool per text, logistic regression only): the texts of the domain the
        model is for, the rest being other data to learn from. Each feature then gets a shared weight and one
        weight per domain (feature augmentation, Daumé III 2007, "Frustratingly easy domain adaptation"), so
        what holds in both domains is learnt from both and what differs is learnt from each; the fitted model
        keeps shared + target-domain weights, an ordinary linear model that scores like any other.
        ``sample_weight`` (optional, one number per text): how much each text counts in the loss. ``progress``
        (optional) is told each step of the fit as it starts, one short line each (the trees label by label, the
        reader epoch by epoch: on a real corpus these take minutes).
        Raises TrainingError, before fitting anything, for a forest or reader the other settings cannot have
        (:meth:`_check_models`), and for a ``target_domain`` with a head other than logreg at fixed thresholds.
        """
        Y = np.asarray(Y, dtype=int)
        self._check_models()
        if Y.ndim != 2 or Y.shape != (len(texts), len(TARGETS)):
            raise ValueError(f"Y must have shape (n_texts, {len(TARGETS)}) for targets {TARGETS}, got {Y.shape}")
        self.word_vectorizer_, self.char_vectorizer_ = self._vectorizers()
        self.__dict__.pop("_forest_instance", None)  # a refit must not score with the trees of the last fit
        self.__dict__.pop("_reader_instance", None)
        X = self._matrix(texts, fit=True)
        head = ThresholdedOneVsRest(
            self._base_estimator(),
            tune_thresholds=self.tune_thresholds,
            cv=self.cv,
            random_state=self.random_state,
        )
        if target_domain is None:
            self.head_ = head.fit(X, Y, sample_weight=sample_weight)
        else:
            if self.model != "logreg" or self.tune_thresholds:
                raise TrainingError("target_domain needs model='logreg' without tune_thresholds")
            mine = np.asarray(target_domain, dtype=bool)
            if mine.shape != (len(texts),):
                raise ValueError(f"target_domain must hold one flag per text, got shape {mine.shape}")
            copies = [X, sp.diags((~mine).astype(float)) @ X, sp.diags(mine.astype(float)) @ X]
            augmented = head.fit(sp.hstack(copies, format="csr"), Y, sample_weight=sample_weight)
            self.head_ = _keep_target_weights(augmented, X.shape[1])
        self.forest_ = None  # the forest's arrays (Forest.arrays), so the estimator saves like any other
        if self.forest != "none":
            if progress:
                progress("the linear model is fitted")
            both = [j for j in range(len(ISSUE_LABELS)) if 0 < Y[:, j].sum() < len(Y)]  # constants need no trees
            fitted = fit_forest(X, Y, both, self.forest, self.random_state or 0, sample_weight, progress)
            if fitted is not None:
                self.forest_ = fitted.arrays()
        self.reader_ = None  # the reader's arrays (Reader.arrays), so the estimator saves like any other
        if self.reader != "none" and self.forest_ is not None:
            documents = self._documents(texts)
            self.reader_ = fit_reader(documents, Y, self.reader, self.random_state or 0, progress).arrays()
        self.targets_ = TARGETS
        return self

    def _check_models(self) -> None:
        """Refuse a forest or a reader that the other settings cannot have, with TrainingError (its messages name
        the TrainConfig fields, which training configurations give): checked here, where every way of training
        passes (TrainConfig.classifier, experiments and tests build the estimator directly), before minutes of
        fitting. PyTorch, which a reader is trained with, is looked for here too, not after the forest."""
        if self.forest not in FOREST_SETTINGS:
            raise TrainingError(f'forest must be one of {", ".join(FOREST_SETTINGS)}, not "{self.forest}"')
        if self.forest != "none" and (self.model != "logreg" or self.tune_thresholds):
            raise TrainingError(
                f'boosted trees (forest "{self.forest}") need model "logreg" with fixed thresholds; '
                f'for model "{self.model}"{" with tuned thresholds" if self.tune_thresholds else ""} '
                'set "forest": "none"'
            )
        if self.reader not in READER_SETTINGS:
            raise TrainingError(f'reader must be one of {", ".join(READER_SETTINGS)}, not "{self.reader}"')
        if self.reader != "none" and (self.forest == "none" or self.features == "words"):
            raise TrainingError(
                f'the reader "{self.reader}" reads the forest\'s gated cells and the characters: it needs a forest '
                'and features "chars" or "both"; or set "reader": "none"'
            )
        if self.reader != "none" and not torch_available():
            raise TrainingError(f'the reader "{self.reader}" is trained with PyTorch, not installed: {NO_TORCH}')

    def _forest(self) -> Forest | None:
        arrays = getattr(self, "forest_", None)
        if arrays is None:
            return None
        if getattr(self, "_forest_instance", None) is None:
            self._forest_instance = Forest.from_arrays(arrays)
        return self._forest_instance

    def _reader(self) -> Reader | None:
        arrays = getattr(self, "reader_", None)
        if arrays is None:
            return None
        if getattr(self, "_reader_instance", None) is None:
            self._reader_instance = Reader.from_arrays(arrays)
        return self._reader_instance

    def _documents(self, texts: Sequence[str]) -> list[str]:
        """What the reader reads: the character documents (normalised text, digits masked if asked)."""
        return char_documents(normalized_texts(texts), "chars", bool(self.mask_digits))

    def _linear(self, texts: Sequence[str]) -> tuple[np.ndarray, TfidfRows]:
        """The linear head's probabilities of ``texts`` (what the forest's gate reads), and their feature rows."""
        X = self._matrix(texts)
        return np.asarray(self.head_.predict_proba(X)), TfidfRows(X.indptr, X.indices, X.data, X.shape[1])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, len(TARGETS))."""
        check_is_fitted(self, "head_")
        if len(texts) == 0:
            return np.zeros((0, len(TARGETS)))
        linear, rows = self._linear(texts)
        return gated_proba(  # the forest and the reader averaged in as the scorer does (gated.py)
            linear,
            self._forest(),
            self._reader(),
            self.thresholds(),
            rows.take,
            lambda picked: self._documents([texts[i] for i in picked]),
        )[0]

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 decisions with the per-target thresholds, shape (n_texts, len(TARGETS))."""
        return (self.predict_proba(texts) >= self.thresholds()).astype(int)

    def thresholds(self) -> np.ndarray:
        check_is_fitted(self, "head_")
        return np.asarray(self.head_.thresholds_, dtype=float)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_tokenizer_instance", None)
        state.pop("_forest_instance", None)
        state.pop("_reader_instance", None)
        return state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.multi_output = True
        return tags


def _keep_target_weights(head: ThresholdedOneVsRest, n: int) -> ThresholdedOneVsRest:
    """A head fitted on [shared | other domain | target domain] copies of ``n`` features, as a head over the
    ``n`` features that scores the target domain: each weight is its shared part plus its target part."""
    for estimator in head.estimators_:
        if isinstance(estimator, LogisticRegression):  # not a label with one class (a constant)
            estimator.coef_ = estimator.coef_[:, :n] + estimator.coef_[:, 2 * n :]
            estimator.n_features_in_ = n
    head.n_features_in_ = n
    return head
