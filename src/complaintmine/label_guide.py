"""What each label means, in short: what ``complaintmine labels`` prints, shipped inside the package so that a user
who installed it without the repository can read it. docs/labels.md is the long form, with examples of each side
and the borderline decisions; the headings, definitions and "not this label" notes here are its words
(tests/unit/test_label_guide.py holds the two to the same text)."""

from __future__ import annotations

from dataclasses import dataclass

from .labels import ALL_LABELS, LABEL_ZH


@dataclass(frozen=True)
class LabelDefinition:
    """One label: ``name`` (as files write it), ``chinese`` (also accepted in labelled files), ``summary`` (one
    line), ``means`` (the definition) and ``not_meant``: (what a text is about, the label it gets instead) pairs
    for texts that look like this label but are not it."""

    name: str
    chinese: str
    summary: str
    means: str
    not_meant: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LabelGuide:
    """The labels in their order (``ALL_LABELS``), the rules every text is labelled by, and the pre-sale flag."""

    labels: tuple[LabelDefinition, ...]
    rules: tuple[str, ...]
    presale: str


_MEANS = {
    "price_hike": (
        "paid more than promised",
        "The buyer ended up paying more than the price that was promised or agreed: the tail payment (尾款) went "
        "up, the price rose between deposit and final payment, the order price was changed upward, the deposit "
        "discount (定金抵扣, 膨胀金) or a promised coupon was not applied, the order was cancelled and relisted at a "
        "higher price, or the pre-sale price turned out higher than the ordinary price.",
        (("just expensive", "other"), ("a price drop after buying", "no_price_protection")),
    ),
    "no_price_protection": (
        "the price fell and the buyer was not compensated",
        "After the buyer paid (deposit or in full) the price dropped, or others soon got it cheaper, and the buyer "
        "got nothing back: price protection (价保, 保价, 退差价) was refused or not offered, or the buyer simply "
        "regrets a drop right after buying. A gift or bundle discount that appeared right after the buyer paid, so "
        "that later buyers get a better deal, counts here too.",
        (("the difference refunded, the buyer happy", "other"), ("not a drop", "other")),
    ),
    "gift_not_honored": (
        "a promised gift is missing, different or charged for",
        "A gift or freebie that came with the offer (赠品, 赠送, 送的, 礼品, 小样, 活动送, 前N名送) is missing, is a "
        "different or cheaper item, arrived broken as a swap, or had to be paid for. A gift that other buyers got "
        "and this buyer did not, a gift the seller said would come, and a gift's value deducted from a refund all "
        "count.",
        (("no gift was promised", "other"), ("praise of a gift", "other")),
    ),
    "late_shipping": (
        "not shipped by the promised time",
        "The seller did not ship, or deliver, by the promised or advertised time; shipped unreasonably late "
        "(迟迟不发货, 付款一周没发货); sent a shipping notice before anything was shipped (虚假发货); or cancelled "
        'for "no stock" after making the buyer wait. A missed promised delivery date or slot (次日达, 晚间配送) '
        "counts too. Slow courier transit after the parcel left, with no promise broken, does not.",
        (("slow courier transit after dispatch", "other"), ("praise of fast shipping", "other")),
    ),
    "false_lowest_price": (
        'a "lowest price" claim was untrue',
        'A "lowest price" claim (最低价, 全网最低, 历史最低, 全年最低, 保证最低, 直播间最低) turned out untrue: the '
        "item was cheaper elsewhere, earlier or later. A broken price guarantee (保证和双11一个价, 保证最低) is "
        "false_lowest_price, and also no_price_protection when the difference was not refunded (read here as: the "
        "buyer had paid and the same seller sold cheaper afterwards, or the difference was asked for and not given; "
        'see "Borderline decisions").',
        (("a lowest price not disputed", "other"), ("a broken guarantee made good in full, settled", "other")),
    ),
    "other": (
        "none of the five issues",
        "None of the five: product quality, service attitude, damage in transit, fakes, returns, sizing, hotel "
        'stays, praise, and so on. Hotel reviews are other unless they dispute an explicit "lowest price" claim.',
        (),
    ),
}

_RULES = (
    "A text gets every issue type it complains about: a parcel that came a week late without its promised gift is "
    "late_shipping|gift_not_honored.",
    "A text that complains about none of the five issues, or does not complain at all (a positive review), is "
    "other, and other is never combined with an issue label.",
    "A text is labelled by what it says, not by the words it happens to use: praise that mentions 赠品 is not a "
    "gift complaint, and a price drop described without the word 降价 still is one. Irony counts for what it means.",
    "If a text is too short or vague to be sure, it gets only the labels a careful reader would be confident of, "
    "and otherwise other.",
)

_PRESALE = (
    "presale is 1 when the purchase was a pre-sale, a deposit purchase (定金, 订金), a tail payment (尾款), a "
    "reservation of goods (预约, 预定, not a hotel room) or a pre-order, and 0 otherwise. It is decided separately "
    "from the issue labels: a pre-sale text can be other, and a late-shipping text need not be a pre-sale. An item "
    "sold as in stock that turned out to be a pre-sale (预订款) is presale 1. complaintmine writes presale 1 only "
    "when the model says so and the text names such a purchase (预售, 定金, 订金, 尾款, 预约, 预定, 预购, 现货, "
    "pre-order ...; complaintmine/text/presale.py): what pre-sale complaints are often about (a promised shipping "
    "time, a gift) does not make a text a pre-sale."
)


def label_guide() -> LabelGuide:
    """Each label's name, Chinese name and meaning (docs/labels.md's words), the labelling rules, the pre-sale
    flag."""
    labels = tuple(LabelDefinition(name, LABEL_ZH[name], *_MEANS[name]) for name in ALL_LABELS)
    return LabelGuide(labels, _RULES, _PRESALE)
