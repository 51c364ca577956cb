"""What the pilots share with experiments/adaptation.py: the domain, the label samples and the metrics."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("adaptation", Path(__file__).resolve().parents[1] / "adaptation.py")
assert _spec is not None and _spec.loader is not None
_adaptation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_adaptation)
ROOT, domain_corpus, metrics, sample = _adaptation.ROOT, _adaptation.domain_corpus, _adaptation.metrics, _adaptation.sample
