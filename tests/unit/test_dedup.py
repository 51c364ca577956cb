from complaintmine.corpus.dedup import (
    containing,
    linked_groups,
    near_duplicate_groups,
    near_duplicate_pairs,
    shared_phrases,
    squash,
)
from complaintmine.model.selection import fold_groups


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


def test_linked_groups_are_order_free_with_the_smallest_member_as_id():
    links = [(4, 2), (2, 0), (5, 6)]
    expected = [0, 1, 0, 3, 0, 5, 5]
    assert linked_groups(7, links) == expected
    assert linked_groups(7, reversed(links)) == expected
    assert linked_groups(3, []) == [0, 1, 2]


def test_fold_groups_keep_a_pair_group_and_its_near_duplicates_together():
    texts = [
        "预售定金付了，尾款比页面写的贵了五十块",
        "预售定金付了，尾款比页面写的贵了五十块！",  # near-duplicate of the first
        "赠品说好送收纳盒，到货只有主机",
        "客服答应补差价，第二天就退回来了",
    ]
    groups = fold_groups(texts, ["", "", "g1", "g1"])
    assert groups[0] == groups[1] == 0
    assert groups[2] == groups[3] == 2
