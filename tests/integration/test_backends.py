"""jieba (reference) and rjieba (fast) must give the same tokens, and so the same scores."""

import copy
import csv
import os
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import complaintmine as cm
from complaintmine.text.tokenizer import Tokenizer, TokenizerConfig

from ..conftest import DATA, ROOT

pytest.importorskip("rjieba")


@pytest.fixture(scope="module")
def backends():
    return Tokenizer(TokenizerConfig(backend="jieba")), Tokenizer(TokenizerConfig(backend="rjieba"))


def _compare(backends, texts):
    reference, fast = backends
    differ = [(t, reference.tokens(t), fast.tokens(t)) for t in texts if reference.tokens(t) != fast.tokens(t)]
    assert differ == [], differ[:3]
    # The scoring path (words without spans, rjieba's cut) must agree too.
    words = [[token.text for token in reference.tokens(t)] for t in texts]
    differ = [(t, w, fast.tokenize(t)) for t, w in zip(texts, words) if fast.tokenize(t) != w]
    assert differ == [], differ[:3]


SEAM_ALPHABET = [*"ab19 .-_%/:@#+&~!,=*()'\"?，。好价降天到货了元", "\t", "\r", "\n"]


@given(st.text(alphabet=st.sampled_from(SEAM_ALPHABET), max_size=40))
@settings(max_examples=500, deadline=None)
def test_same_tokens_on_ascii_seams(backends, text):
    _compare(backends, [text])


@pytest.mark.slow
@pytest.mark.shared
def test_same_tokens_and_spans_on_real_texts(backends, shared_pool):
    csv.field_size_limit(1 << 30)
    with open(shared_pool, encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    random.Random(7).shuffle(texts)
    _compare(backends, texts[:6000])


@pytest.mark.slow
def test_same_tokens_on_team_texts_and_known_differences(backends):
    with open(ROOT / "corpora" / "team_written.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    # Where jieba-rs differs from jieba without reconciliation: ASCII runs and tie-prone repeats.
    texts += [
        "t.cn/abc 链接",
        "3-4天到货",
        "2.5d屏幕 4%电量...",
        "wi-fi 和 type-c",
        "好好好好货",
        "不好不好不好，",
        "呵呵呵呵呵",
        "1.2.1版本",
        "sm-g9550 手机",
        "ＡＢＣ　１２３",
    ]
    _compare(backends, texts)


@pytest.mark.slow
def test_a_model_trained_with_jieba_scores_identically_with_rjieba(tmp_path):
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    config = cm.TrainConfig(min_df=1, cv=2, tokenizer={"backend": "jieba"})
    trained = cm.train_model(corpus, config)
    fast = copy.copy(trained.classifier)
    fast.tokenizer_config = TokenizerConfig(backend="rjieba")
    fast._tokenizer_instance = None
    assert fast._tokenizer().backend == "rjieba" and trained.classifier._tokenizer().backend == "jieba"
    texts = [*corpus.texts, "3-4天才发货，好好好", "t.cn 链接里说全网最低"]
    np.testing.assert_array_equal(trained.classifier.predict_proba(texts), fast.predict_proba(texts))


def test_unknown_backend_is_refused():
    with pytest.raises(cm.ComplaintMineError, match="unknown tokenizer backend"):
        Tokenizer(TokenizerConfig(backend="spacy"))


@pytest.fixture(scope="module")
def compact(backends):
    from complaintmine.text.jieba_fallback import CompactJieba

    return CompactJieba(backends[0].lexicon)


@pytest.mark.slow
@pytest.mark.shared
def test_compact_jieba_equals_jieba_on_every_tie_prone_real_text(backends, compact, shared_pool):
    from complaintmine.text.normalize import normalize
    from complaintmine.text.tokenizer import _TIE_PRONE

    reference = backends[0]._segmenter()
    with open(shared_pool, encoding="utf-8", newline="") as handle:
        texts = [normalize(row["text"]) for row in csv.DictReader(handle)]
    tie_prone = [t for t in texts if _TIE_PRONE.search(t)]
    assert len(tie_prone) > 1000
    for hmm in (True, False):
        differ = [t for t in tie_prone if compact.tokenize(t, hmm) != list(reference.tokenize(t, HMM=hmm))]
        assert differ == [], differ[:3]
    # and the fast backend, which sends only the tie-prone blocks of these texts to jieba's code
    _compare(backends, tie_prone)


PIECES = ["好", "好好", "不好", "哈", "呵", "价保", "尾款", "降价了", "送", "赠品", "x1", "，"]
REPEATS = st.lists(st.sampled_from(PIECES))


@given(REPEATS.map("".join), st.booleans())
@settings(max_examples=200, deadline=None)
def test_compact_jieba_equals_jieba_on_generated_repeats(backends, compact, text, hmm):
    assert compact.tokenize(text, hmm) == list(backends[0]._segmenter().tokenize(text, HMM=hmm))


def test_the_fast_backend_never_loads_jieba_s_full_dictionary():
    fast = Tokenizer(TokenizerConfig(backend="rjieba"))
    assert fast.tokenize("好好好好货，不好不好不好") == [t.text for t in fast.tokens("好好好好货，不好不好不好")]
    assert fast._jieba is None and fast._fallback is not None


def test_compact_dictionary_holds_exactly_jieba_s_words_and_frequencies(backends, compact):
    """The one-split reading of dict.txt, sorted by NumPy, against jieba's own reading (FREQ, where a word's
    prefixes appear with frequency 0) plus the lexicon, as add_word adds it."""
    import os

    import jieba

    reference = jieba.Tokenizer()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), "rb") as handle:
        freq, total = reference.gen_pfdict(handle)
    words = {word: count for word, count in freq.items() if count}
    for word, count, _tag in backends[0].lexicon:
        words[word] = count
        total += count
    assert compact._words.tolist() == sorted(words)
    assert compact._frequencies.tolist() == [words[w] for w in sorted(words)]
    assert compact._segmenter.total == total


def _same_dictionary(a, b):
    assert a._words.dtype == b._words.dtype and np.array_equal(a._words, b._words)
    assert np.array_equal(a._frequencies, b._frequencies)
    assert a._segmenter.total == b._segmenter.total and a.longest == b.longest


def _counting_builds(monkeypatch) -> list[int]:
    """Count the dictionary builds of CompactJieba from now on (a read from the cache is not one)."""
    from complaintmine.text import jieba_fallback

    builds: list[int] = []
    build = jieba_fallback._sorted_dictionary

    def counted(lexicon):
        builds.append(1)
        return build(lexicon)

    monkeypatch.setattr(jieba_fallback, "_sorted_dictionary", counted)
    return builds


def test_the_sorted_dictionary_is_kept_in_the_cache_folder_and_read_back(backends, compact, tmp_path, monkeypatch):
    from complaintmine.text.jieba_fallback import CompactJieba, cache_path

    builds = _counting_builds(monkeypatch)
    lexicon = backends[0].lexicon
    path = cache_path(tmp_path, lexicon)
    assert not path.exists()
    written = CompactJieba(lexicon, tmp_path)
    assert builds == [1] and path.exists() and path.stat().st_mode & 0o077 == 0  # this user's alone
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    read = CompactJieba(lexicon, tmp_path)
    assert builds == [1]  # read from the file, not built again
    _same_dictionary(written, compact)
    _same_dictionary(read, compact)
    assert read.tokenize("好好好好货，不好不好不好", True) == compact.tokenize("好好好好货，不好不好不好", True)
    assert cache_path(tmp_path, [*lexicon, ("好好好好", 5, None)]) != path  # another lexicon, another file
    assert str(os.getuid()) in path.name  # another user's file is another file


@pytest.mark.parametrize("spoil", ["garbage", "lone array", "unsorted", "writable by others", "missing folder"])
def test_a_cache_file_that_cannot_be_trusted_is_rebuilt(backends, compact, tmp_path, monkeypatch, spoil):
    from complaintmine.text.jieba_fallback import CompactJieba, cache_path

    lexicon = backends[0].lexicon
    folder = tmp_path / "absent" if spoil == "missing folder" else tmp_path
    path = cache_path(folder, lexicon)
    if spoil == "garbage":
        path.write_bytes(b"PK\x03\x04 not a zip file")
    elif spoil == "lone array":
        with open(path, "wb") as handle:
            np.save(handle, compact._words)
    elif spoil in ("unsorted", "writable by others"):
        words = compact._words[::-1] if spoil == "unsorted" else compact._words
        np.savez(path, words=words, frequencies=compact._frequencies, total=np.int64(compact._segmenter.total))
    if path.exists():
        path.chmod(0o666 if spoil == "writable by others" else 0o600)
    builds = _counting_builds(monkeypatch)
    _same_dictionary(CompactJieba(lexicon, folder), compact)
    assert builds == [1]
    _same_dictionary(CompactJieba(lexicon, folder), compact)
    if spoil == "missing folder":
        assert builds == [1, 1]  # nowhere to keep it: built each time, no error
    else:  # rebuilt once and written again, readable now
        assert builds == [1] and path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError])
def test_an_interrupted_cache_write_leaves_no_temporary_file(backends, tmp_path, monkeypatch, interruption):
    """Ctrl-C while the cache is written is passed on (a full disk is not: the cache is optional); either way
    the half-written temporary file goes."""
    from complaintmine.text import jieba_fallback

    def broken(handle, **arrays):
        handle.write(b"half a file")
        raise interruption("stopped while writing")

    monkeypatch.setattr(jieba_fallback.np, "savez_compressed", broken)
    lexicon = backends[0].lexicon
    if interruption is KeyboardInterrupt:
        with pytest.raises(KeyboardInterrupt):
            jieba_fallback.CompactJieba(lexicon, tmp_path)
    else:
        jieba_fallback.CompactJieba(lexicon, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_cache_file_is_private_whatever_the_umask(backends, tmp_path):
    """Read back only when nobody else may write it: a file made with the umask (0 here) would be rebuilt forever."""
    from complaintmine.text.jieba_fallback import CompactJieba, cache_path

    previous = os.umask(0)
    try:
        CompactJieba(backends[0].lexicon, tmp_path)
    finally:
        os.umask(previous)
    assert cache_path(tmp_path, backends[0].lexicon).stat().st_mode & 0o077 == 0


def test_a_link_planted_under_the_cache_name_is_replaced_not_written_through(backends, tmp_path, monkeypatch):
    """The cache folder is the shared temporary folder by default: a link another user leaves under the cache's
    name must not make this user write the dictionary over the file it points at."""
    from complaintmine.text.jieba_fallback import CompactJieba, cache_path

    lexicon = backends[0].lexicon
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    path = cache_path(tmp_path, lexicon)
    path.symlink_to(victim)
    builds = _counting_builds(monkeypatch)
    CompactJieba(lexicon, tmp_path)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not path.is_symlink() and path.stat().st_mode & 0o077 == 0
    CompactJieba(lexicon, tmp_path)
    assert builds == [1]  # the file written in its place is read back


@pytest.mark.skipif(not hasattr(os, "link"), reason="no hard links on this system")
def test_a_file_put_in_place_of_the_temporary_one_is_not_written_into(tmp_path, monkeypatch):
    """In a cache folder without the sticky bit another user may replace the temporary cache file with their own
    between its making and the writing: the dictionary goes into the file this process made, never one opened
    again by the name (the old code reopened it, truncated their file and wrote into it). Whatever is under the
    name is renamed onto the cache's; it is not read back as a dictionary."""
    from complaintmine.text import jieba_fallback

    path = tmp_path / "cache.npz"
    theirs = tmp_path / "theirs.bin"  # a second name of the file put in place: read after the rename
    made = os.open

    def replaced_once_made(name, flags, *args, **kwargs):
        descriptor = made(name, flags, *args, **kwargs)
        if flags & os.O_CREAT and os.fspath(name).endswith(".tmp") and not theirs.exists():
            os.unlink(name)
            theirs.write_bytes(b"their file")
            os.link(theirs, name)
        return descriptor

    monkeypatch.setattr(os, "open", replaced_once_made)
    jieba_fallback._write_cache(path, np.array(["a", "b"]), np.array([1, 2], dtype=np.int64), 3)
    monkeypatch.undo()
    assert theirs.exists() and theirs.read_bytes() == b"their file"
    assert jieba_fallback._read_cache(path) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_planted_under_the_cache_name_is_not_waited_on(backends, tmp_path):
    """Another user may leave a FIFO under the cache's (predictable) name in the shared temporary folder: reading
    the cache must not wait for a writer that never comes (a plain open did, for ever); the dictionary is built
    instead. Run in a child process, so that the old behaviour fails the test instead of hanging the suite."""
    import subprocess
    import sys

    from complaintmine.text.jieba_fallback import cache_path

    path = cache_path(tmp_path, backends[0].lexicon)
    os.mkfifo(path, 0o600)
    code = (
        "import sys; from pathlib import Path; from complaintmine.text.jieba_fallback import _read_cache; "
        "print(_read_cache(Path(sys.argv[1])))"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a FIFO under the cache's name waited for a writer")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"
