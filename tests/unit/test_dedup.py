from complaintmine.corpus.dedup import containing, near_duplicate_groups, near_duplicate_pairs, shared_phrases, squash


def test_squash_ignores_spaces_punctuation_and_width():
    assert squash("尾款， 涨了ＡＢ！") == "尾款涨了ab"


def test_near_duplicates_are_grouped_transitively():
    texts = [
        "买完第二天就降价了两百块，客服说不能保价，太坑了",
        "买完第二天就降价了两百块！！客服说不能保价，太坑了吧",
        "赠品没有收到，问客服也不回",
        "买完第二天就降价了两百块，客服说不能保价，太坑了吧。。",
    ]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] == groups[3] != groups[2]
    assert all(score >= 0.8 for _, _, score in near_duplicate_pairs(texts))


def test_shared_phrases_finds_ten_character_overlaps():
    texts = ["预售付了定金尾款竟然涨了三十块", "我也是预售付了定金尾款竟然涨了", "完全不同的一句话而已没有重复"]
    found = shared_phrases(texts)
    assert [(a, b) for a, b, _ in found] == [(0, 1)]


def test_containing_finds_a_short_text_quoted_whole_that_near_duplicate_pairs_leave_out():
    texts = ["我下单三天了，说好的赠品呢？到现在也没人回", "赠品收到了，很喜欢", "说好的赠 品呢"]
    held_out = ["说好的赠品呢？", "好的"]  # "好的" is shorter than the bound: found everywhere, never counted
    assert not [p for p in near_duplicate_pairs(texts + held_out, 0.6) if p[0] == 0]  # too long to be compared
    assert containing(texts, held_out, 6) == {0, 2}  # compared squashed: spaces and punctuation ignored
    assert containing(texts, held_out, 7) == set()
