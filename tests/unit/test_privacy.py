"""Privacy masking: each kind, texts that must stay as they are, precedence, offsets and properties.

All example texts are written for these tests. ID and card numbers are computed here with their own checksum
algorithms (ISO 7064 MOD 11-2, Luhn), independently of the implementation under test.
"""

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintmine.errors import ComplaintMineError
from complaintmine.mining.privacy import (
    ADDRESS_CONTEXTS,
    HONORIFICS,
    KIND_ALIASES,
    KINDS,
    NAME_CONTEXTS,
    PLACEHOLDERS,
    MaskResult,
    PrivateSpan,
    UnknownKindError,
    find_private,
    mask,
    mask_text,
)

# --------------------------------------------------------------------------------------------------------------
# Checksums, written from their definitions.


def mod11_2(body: str) -> str:
    """ISO 7064 MOD 11-2 check character of the 17-digit body of a resident ID (pure system, radix 2)."""
    p = 0
    for char in body:
        p = (p + int(char)) * 2 % 11
    check = (12 - p) % 11
    return "X" if check == 10 else str(check)


def resident_id(region: str, birth: str, check: str | None = None) -> str:
    """A resident ID for a region code (6 digits) and birth date (YYYYMMDD) whose check character is ``check``
    (any valid one when None), found by trying sequence numbers."""
    for sequence in range(1000):
        body = f"{region}{birth}{sequence:03d}"
        if check is None or mod11_2(body) == check:
            return body + mod11_2(body)
    raise AssertionError(f"no sequence number gives check digit {check}")


def with_wrong_check(valid: str) -> str:
    """The same ID with a wrong check character, chosen so that the number does not pass Luhn either."""
    for wrong in "0123456789":
        candidate = valid[:17] + wrong
        if wrong != valid[17] and not luhn_ok(candidate):
            return candidate
    raise AssertionError("no wrong check digit avoids Luhn")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value // 10 + value % 10
    return total % 10 == 0


def card(prefix: str, length: int) -> str:
    """A card number of ``length`` digits starting with ``prefix`` that passes the Luhn check."""
    body = (prefix + "0123456789" * 2)[: length - 1]
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def test_checksum_helpers_agree_with_published_examples():
    assert mod11_2("11010519491231002") == "X"  # the GB 11643 example number
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


ID_X = resident_id("110105", "19900307", "X")
ID_X_LOWER = resident_id("440305", "19851120", "X").lower()
ID_DIGIT = resident_id("310104", "20010228", "7")
ID_ZERO = resident_id("510107", "19760615", "0")
CARD_19 = card("622202", 19)
CARD_16 = card("4367", 16)
CARD_16_GROUPED = " ".join(CARD_16[i : i + 4] for i in range(0, 16, 4))
NOT_LUHN_16 = CARD_16[:-1] + str((int(CARD_16[-1]) + 1) % 10)


# --------------------------------------------------------------------------------------------------------------
# What gets masked: exact outputs, one kind (or a few) per case.

MASKED = [
    # PHONE: mobile numbers, prefixes, separators
    ("我的手机号是13812345678，请尽快联系", "我的手机号是[PHONE]，请尽快联系"),
    ("有事打15912345678", "有事打[PHONE]"),
    ("电话：+86 138 1234 5678", "电话：[PHONE]"),
    ("+86-139-1234-5678找我", "[PHONE]找我"),
    ("86 13712345678 或 8613712345678", "[PHONE] 或 [PHONE]"),
    ("0086 13812345678，(+86)13812345678", "[PHONE]，[PHONE]"),
    ("138-1234-5678和138 1234 5678都是我的", "[PHONE]和[PHONE]都是我的"),
    ("手机号码：19912345678转人工", "手机号码：[PHONE]转人工"),
    # PHONE: landlines and service numbers
    ("座机010-12345678没人接", "座机[PHONE]没人接"),
    ("深圳门店0755-1234567", "深圳门店[PHONE]"),
    ("上海总部(021)12345678", "上海总部[PHONE]"),
    ("售后400-820-8820，投诉800 123 4567", "售后[PHONE]，投诉[PHONE]"),
    ("电话12345678打不通", "电话[PHONE]打不通"),
    ("总机+86 10 12345678", "总机[PHONE]"),
    # PHONE: spelled out in Chinese numerals (幺 for 1, 两 for 2, 〇/零/O for 0), mixed with digits, in groups
    ("我的手机号是一三八一二三四五六七八，请回电", "我的手机号是[PHONE]，请回电"),
    ("有事打幺三九 零零零零 一一一一", "有事打[PHONE]"),
    ("电话：幺三九-零零零零-一一一一", "电话：[PHONE]"),
    ("138一二三四五六七八找我", "[PHONE]找我"),
    ("一三八 1234 5678和１５０〇〇〇〇一一一一", "[PHONE]和[PHONE]"),
    ("手机幺三九OOOO幺幺幺幺", "手机[PHONE]"),
    ("幺八六两两两两三三三三是我老公的", "[PHONE]是我老公的"),
    ("+86 一三八一二三四五六七八", "[PHONE]"),
    ("一三八　零零零零　一一一一", "[PHONE]"),  # ideographic spaces
    ("座机零二一-一二三四五六七八没人接", "座机[PHONE]没人接"),
    ("电话一二三四五六七八打不通", "电话[PHONE]打不通"),
    ("phone: 一二三四五六七八", "phone: [PHONE]"),  # the context word is read as written, O and all
    # a numeral word right after a number in digits is no digit of it: 一直 (all along), 三次 (three times)
    ("电话13812345678一直打不通", "电话[PHONE]一直打不通"),
    ("拨打13812345678三次都没人接", "拨打[PHONE]三次都没人接"),
    ("手机号13800001111两天没人回", "手机号[PHONE]两天没人回"),
    ("客服电话4001234567一直没人接", "客服电话[PHONE]一直没人接"),
    ("05711234567一直没人接", "[PHONE]一直没人接"),
    ("电话12345678一二次", "电话[PHONE]一二次"),
    # and after a mobile spelled out, the numerals that begin the next word are no twelfth digit
    ("电话一三八一二三四五六七八一直打不通", "电话[PHONE]一直打不通"),
    ("手机壹叁捌壹贰叁肆伍陆柒捌，谢谢", "手机[PHONE]，谢谢"),  # financial numerals
    ("一三八○○○○一一一一找我", "[PHONE]找我"),  # ○ (a white circle) for zero
    ("退款壹佰贰拾叁元，人民币壹仟零伍拾元整", "退款壹佰贰拾叁元，人民币壹仟零伍拾元整"),  # amounts stay
    ("打了一三八一二三四五六七八两次都没人接", "打了[PHONE]两次都没人接"),
    ("138一二三四五六七八一直没人接", "[PHONE]一直没人接"),
    # PHONE: a mobile grouped any other way than 3-4-4 after a phone cue or a +86 prefix, dots between groups
    ("电话1381 234 5678", "电话[PHONE]"),
    ("电话1 3 8 1 2 3 4 5 6 7 8", "电话[PHONE]"),
    ("手机号138.1234.5678", "手机号[PHONE]"),
    ("138.1234.5678", "[PHONE]"),  # 3-4-4 with dots is as unambiguous as with dashes
    ("电话:138 12345678", "电话:[PHONE]"),
    ("有事联系我：13812 345678", "有事联系我：[PHONE]"),
    ("打我手机 138-1234 5678 就行", "打我手机 [PHONE] 就行"),
    ("我的手机 1 3 8 1 2 3 4 5 6 7 8，收到回电", "我的手机 [PHONE]，收到回电"),
    ("加微信 1381 234 5678 或 QQ 138-1234-5678", "加微信 [PHONE] 或 QQ [PHONE]"),  # they leaked
    ("加我微信 zhang_san88", "加我微信 [ACCOUNT]"),
    ("telephone 1381 234 5678", "telephone [PHONE]"),  # leaked: 'ephone ' was past the cue's six characters
    ("手机: 1381 234 5678", "手机: [PHONE]"),
    ("打 1381234 5678", "打 [PHONE]"),
    ("call me 1381 234 5678", "call me [PHONE]"),
    ("致电１３８１　２３４　５６７８", "致电[PHONE]"),  # full-width digits and space
    ("手机号：138 - 1234 - 5678", "手机号：[PHONE]"),
    ("+86 1381 234 5678，0086 138 12345678", "[PHONE]，[PHONE]"),
    ("电话 一 三 八 一 二 三 四 五 六 七 八", "电话 [PHONE]"),
    ("电话138 1234 5678一直打不通", "电话[PHONE]一直打不通"),
    # PHONE: landlines with the local number in groups, an extension after 转/分机
    ("电话（0755）8888 6666", "电话[PHONE]"),
    ("门店 0755 8888 6666", "门店 [PHONE]"),
    ("座机 010-6666 8888 转 123", "座机 [PHONE]"),
    ("电话（010）6666 8888分机8021没人接", "电话[PHONE]没人接"),
    ("售后400-820-8820转3", "售后[PHONE]"),
    ("座机 6666 8888", "座机 [PHONE]"),  # a local number in groups right after a phone word
    ("座机010-12345678转人工", "座机[PHONE]转人工"),
    ("电话0755-88886666转一下", "电话[PHONE]转一下"),  # 一 begins a word, it is no extension
    # ACCOUNT: QQ numbers and WeChat ids right after their cue word
    ("有问题加我QQ：12345678，或者微信号 abc_12345", "有问题加我QQ：[ACCOUNT]，或者微信号 [ACCOUNT]"),
    ("扣扣 98765432 找我", "扣扣 [ACCOUNT] 找我"),
    ("ＱＱ号码：９８７６５４３２１", "ＱＱ号码：[ACCOUNT]"),
    ("加微信 wxid_k2x9p7 或 vx13812345678", "加微信 [ACCOUNT] 或 vx[ACCOUNT]"),
    ("微信号为lucky_cat，威信 abc123", "微信号为[ACCOUNT]，威信 [ACCOUNT]"),
    ("加wx：Tom-2024 领券", "加wx：[ACCOUNT] 领券"),
    ("微信13812345678", "微信[PHONE]"),  # a mobile given as the WeChat id is a phone all the same
    # ID
    (f"身份证{ID_X}已登记", "身份证[ID]已登记"),
    (f"证件号：{ID_X_LOWER}", "证件号：[ID]"),
    (f"身份证号码 {ID_DIGIT}，姓名见附件", "身份证号码 [ID]，姓名见附件"),
    (f"{ID_ZERO}是我的身份证", "[ID]是我的身份证"),
    ("老身份证110105491231002还能用吗", "老身份证[ID]还能用吗"),
    # ORDER: contexts and shapes
    ("订单号：1234567890123456789，一直没发货", "订单号：[ORDER]，一直没发货"),
    ("订单编号 240101123456 的尾款", "订单编号 [ORDER] 的尾款"),
    ("京东订单1234567890，已经付款599元", "京东订单[ORDER]，已经付款599元"),
    ("拼多多订单240101-123456789012345没到", "拼多多订单[ORDER]没到"),
    ("抖音订单4912345678901234567", "抖音订单[ORDER]"),
    ("快递单号SF1234567890123还在路上", "快递单号[ORDER]还在路上"),
    ("圆通YT1234567890123和极兔JT1234567890123", "圆通[ORDER]和极兔[ORDER]"),
    ("运单号773012345678901", "运单号[ORDER]"),
    ("单号：JD1234567890", "单号：[ORDER]"),
    ("order no. 123456789012", "order no. [ORDER]"),
    ("国际件EA123456789CN", "国际件[ORDER]"),
    ("交易号2023111122001234567890", "交易号[ORDER]"),
    ("订单号50778795174和50778795175都没发货", "订单号[ORDER]和[ORDER]都没发货"),
    ("订单号1234567890，1234567是门牌", "订单号[ORDER]，1234567是门牌"),  # only items of the same shape
    ("天猫的2345678901234567890那单", "天猫的[ORDER]那单"),
    # EMAIL
    ("邮箱 abc.def@qq.com 联系", "邮箱 [EMAIL] 联系"),
    ("发到zhang_san+shop@mail.example.com.cn了", "发到[EMAIL]了"),
    # BANKCARD
    (f"卡号{CARD_19}", "卡号[CARD]"),
    (f"退到银行卡 {CARD_16_GROUPED} 上", "退到银行卡 [CARD] 上"),
    (f"{CARD_16}这张卡", "[CARD]这张卡"),
    # ADDRESS
    ("收货地址：广东省深圳市南山区科技园路1号3栋201", "收货地址：[ADDRESS]"),
    ("我住在北京市朝阳区建国路88号，北京挺好", "我住在[ADDRESS]，北京挺好"),
    ("寄到上海市浦东新区张江路100号2单元1203室就行", "寄到[ADDRESS]就行"),
    ("内蒙古自治区呼和浩特市新城区新华大街12号院2号楼3单元501", "[ADDRESS]"),
    ("科技园路1号3栋201", "[ADDRESS]"),
    ("万科城市花园5栋1203", "[ADDRESS]"),
    ("地址浙江省杭州市西湖区文三路478号华星时代广场A座1203", "地址[ADDRESS]"),
    ("寄到成都市武侯区万科城10栋2单元1434室", "寄到[ADDRESS]"),
    ("地址：南山区科技园路一号三栋", "地址：[ADDRESS]"),
    ("寄到上海市浦东新区", "寄到[ADDRESS]"),
    # NAME, with the honorific kept
    ("收件人：王小明", "收件人：[NAME]"),
    ("联系人 张伟，电话见下", "联系人 [NAME]，电话见下"),
    ("我叫李娜", "我叫[NAME]"),
    ("收件人：欧阳娜娜", "收件人：[NAME]"),
    ("姓名：刘德华", "姓名：[NAME]"),
    ("快递员刘师傅送的", "快递员[NAME]师傅送的"),
    ("张先生和李女士都说了", "[NAME]先生和[NAME]女士都说了"),
    ("联系人王先生", "联系人[NAME]先生"),
    ("我和王小明先生联系过", "我和[NAME]先生联系过"),
    ("发货很慢，联系张先生处理也没用", "发货很慢，联系[NAME]先生处理也没用"),  # after a verb of contact too
    ("请联系王女士", "请联系[NAME]女士"),
    ("已经告诉刘经理了，投诉李经理也没用", "已经告诉[NAME]经理了，投诉[NAME]经理也没用"),
    # several kinds in one text
    (
        "收件人：王小明 13812345678，地址：广东省深圳市南山区科技园路1号，邮箱wxm@163.com",
        "收件人：[NAME] [PHONE]，地址：[ADDRESS]，邮箱[EMAIL]",
    ),
    ("收件人王小明广东省深圳市南山区科技园路1号", "收件人[NAME][ADDRESS]"),
    # full-width digits and punctuation
    ("手机１３８１２３４５６７８", "手机[PHONE]"),
    ("（０２１）１２３４５６７８，０７５５－１２３４５６７", "[PHONE]，[PHONE]"),
    ("邮箱ａｂｃ＠ｑｑ．ｃｏｍ", "邮箱[EMAIL]"),
    ("订单号：１２３４５６７８９０１２", "订单号：[ORDER]"),
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masks_personal_data(text, expected):
    assert mask_text(text) == expected


# --------------------------------------------------------------------------------------------------------------
# What stays: prices, dates, times, quantities, model numbers, percentages, short codes, bare places and words
# that look like names.

UNCHANGED = [
    "双十一预售付了定金100元，尾款299元，结果价格变成了1999元",
    "原价599元，到手价¥1299，隔壁才2999块",
    "2023年11月11日 20:00 下单，11.11 活动",
    "订单显示2023-11-11 00:05:33下单，到现在20天了还没发货",
    "10月24日晚8点开始付定金，说好48小时发货",
    "20231111当天付的尾款",
    "买了两台iPhone 15 Pro，一台8999，另一台9199",
    "小米14和RTX4090都没货，型号A1234也没有",
    "华为Mate60 Pro，12+512G版本",
    "满300减40的券，实付1260.50元，打了85%折扣",
    "第2件半价，3件7折，共3件商品",
    "打12315也没用，95588也打了",
    "客服工号10086说给我退差价",
    "13812345678元的大单",  # an amount, not a phone
    "¥13812345678",
    "2023年的价格比2022年贵",
    "快递到了深圳市，但是没送到家",
    "北京和上海都有仓库",
    "物流显示已到达上海转运中心",
    "家乐福超市3楼的专柜",
    "天猫旗舰店的客服说明天发货",
    "说明先生的意思，和女士沟通过了",
    "联系客服经理也没用，告诉老师了",  # after 联系/告诉, but no surname before the honorific
    "李宁的衣服很好看，我是李宁的粉丝",
    "本人高度怀疑是假货，本人常年在这家店买",
    "联系人马上就到",
    "安装师傅很给力，谢谢老板，辛苦师傅了",
    "蒙牛经理说的，高校老师都知道",
    "忘了用户名和密码",  # 户名 inside 用户名 is no name context
    "我叫李娜今天下单",  # where the name ends is unclear: precision first
    "李某某先生说的",  # already anonymised
    "语文老师和班主任老师都知道",  # 文 and 任 are surnames, but here they end a word before the honorific
    "订单2023-11-11下的",
    "订单尾号5678的那单",
    "版本v2.13812345678",  # glued to a version string through a dot
    # Chinese number words that are no phone: floors, amounts, dates, counts, quantities, idioms
    "住在一二三楼的邻居也买了",
    "一共三百五十元，分两次付清，还差一千三百八十元",
    "二〇二六年三月五日下的单，二〇二六年十二月三十一日还没到",
    "从一二三四五六七八九十数到一百也没等到发货",
    "订了十三件，到了八件，还差五件，一一核对过了",
    "三三两两地到货，前后拖了一百三十八天",
    "一三八一二三四五六七八元",  # an amount, not a phone
    "一三八一二三四五六七",  # 10 numerals
    "一三八一二三四五六七八九",  # 12 numerals
    "一二八一二三四五六七八",  # 12x is no mobile prefix
    "一三八一二三四五六七八十",  # runs into a number written in words
    "十一三八一二三四五六七八",
    "Model O13812345678",  # the O belongs to the code
    "拨打12315两三次都没人接",  # a short hotline and 两三 (two or three) times: no seven-digit phone
    "拨打95598三四次没人接",
    "电话123456一直打不通",
    # digit groups that are no mobile: dates, counts, ranks, prices, decimals, twelve digits
    "2026 11 11 付的尾款",
    "买了1 3 8 件，第1 2 3 名都有",
    "138 元买的",
    "满199 20231111当天用的券",  # 3-8 without a phone cue: a price and a date
    "客服说1399-200-1199到手",  # 4-3-4 without a phone cue: prices
    "1381 234 5678",  # no cue and no 3-4-4: precision first
    "打折后1599 200 1399",  # 打 only counts right before the number
    "手机尺寸 163.5 75.9 8.95 毫米",  # decimals, not digits of a phone
    "新手机 1399 200 1199 到手",  # 手机 the product, then three prices: no phone cue
    "在微信 iPhone15 下单，微信 RTX4090 显卡也买了",  # model numbers after a bare 微信 (they became [ACCOUNT])
    "微信支付 1399 200 1199",  # 微信 cues a grouped mobile only right before it
    "订的 hotel 12345678 号房间，Hotel 6666 8888 套餐",  # the tel of hotel is no phone word
    "这款手机1999-300-1699，降价没补",
    "联系客服，降价 1399 200 1199 都不认",  # a price word between the phone word and the digits: prices
    "打电话问价格 1599 300 1299 还是不变",
    "营业时间 0930 1130 1400，客服说的",  # times: a local number never begins with 0 or 1
    "规格 0350 1200 1500 毫米",
    "电话 1 3 8 1 2 3 4 5 6 7 8 9",  # twelve digits: which eleven is unclear
    "电话费138 1234 567元",  # an amount
    "住在1栋1201，门牌 8888 6666",  # no phone word right before the local number
    # QQ and WeChat words without an account after them
    "QQ空间里说的，QQ群 123456789 也发了",  # a group number identifies no one
    "QQ会员 12345元",  # an amount
    "用微信 Android 版付的，微信app 聊了 5 个小时",  # after a bare 微信 an id needs a digit, _ or -
    "vx600x 和 VX600 不一样",  # model numbers
    "微信支付了1380元",
    "QQ 2023年就注册了",
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_non_personal_numbers_and_words_alone(text):
    assert mask_text(text) == text
    assert find_private(text) == ()


# --------------------------------------------------------------------------------------------------------------
# Resident IDs: check digits computed here.


@pytest.mark.parametrize(
    ("region", "birth", "check"),
    [
        ("110105", "19900307", "X"),
        ("440305", "19851120", "X"),
        ("320102", "20000229", "X"),
        ("510107", "19760615", "3"),
    ],
)
def test_ids_with_a_valid_check_digit_are_masked(region, birth, check):
    number = resident_id(region, birth, check)
    assert number.endswith(check)
    for written in (number, number.lower()):
        assert mask_text(f"我的身份证是{written}。") == "我的身份证是[ID]。"
        (span,) = find_private(f"号码{written}")
        assert (span.kind, span.start, span.end) == ("ID", 2, 20)


@pytest.mark.parametrize("valid", [ID_X, ID_DIGIT, ID_ZERO, resident_id("320102", "20000229", "X")])
def test_an_invalid_check_digit_is_not_masked_as_id(valid):
    wrong = with_wrong_check(valid)
    assert wrong != valid and not luhn_ok(wrong)
    masked = mask_text(f"身份证{wrong}号")
    assert "[ID]" not in masked
    assert all(span.kind != "ID" for span in find_private(f"身份证{wrong}号"))


def test_impossible_birth_dates_are_not_ids():
    body = "11010519900230001"  # 30 February
    number = body + mod11_2(body)
    assert "[ID]" not in mask_text(f"身份证{number}")
    assert "[ID]" not in mask_text("身份证110105491331002")  # 15 digits, month 13


# --------------------------------------------------------------------------------------------------------------
# Bank cards: Luhn computed here.


@pytest.mark.parametrize(("prefix", "length"), [("622202", 19), ("4367", 16), ("5201", 16), ("621700", 18)])
def test_luhn_valid_cards_are_masked_with_or_without_context(prefix, length):
    number = card(prefix, length)
    assert mask_text(f"卡号：{number}") == "卡号：[CARD]"
    assert mask_text(f"退款到{number}") == "退款到[CARD]"


def test_a_number_failing_luhn_is_not_a_card():
    assert not luhn_ok(NOT_LUHN_16)
    assert mask_text(f"卡号{NOT_LUHN_16}") == f"卡号{NOT_LUHN_16}"


# --------------------------------------------------------------------------------------------------------------
# Precedence and neighbours.


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (f"订单号：{ID_X}", ["ID"]),  # a valid ID beats the order context
        (f"卡号：{CARD_19}", ["BANKCARD"]),
        (f"订单号：{CARD_19}", ["ORDER"]),  # the order context beats a bare Luhn pass
        (f"订单号：{CARD_19}，卡号：{CARD_19}", ["ORDER", "BANKCARD"]),
        ("订单号：13812345678", ["ORDER"]),  # the order context beats a phone shape
        ("13812345678@163.com", ["EMAIL"]),  # the e-mail wraps the phone-shaped digits
        ("SF13812345678", ["ORDER"]),  # a courier prefix, not a phone
        (f"{ID_X} 13812345678 {CARD_16}", ["ID", "PHONE", "BANKCARD"]),
        ("13812345678，13912345678", ["PHONE", "PHONE"]),
        ("收件人：王小明13812345678", ["NAME", "PHONE"]),
        (f"深圳市南山区科技园路3栋{CARD_16_GROUPED}", ["ADDRESS", "BANKCARD"]),
        (f"{ID_X}/{resident_id('310104', '20010228', '1')}、{ID_ZERO}", ["ID", "ID", "ID"]),
    ],
)
def test_precedence_and_adjacent_spans(text, kinds):
    spans = find_private(text)
    assert [span.kind for span in spans] == kinds
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize(
    "text",
    [
        f"深圳市南山区科技园路3栋{CARD_16_GROUPED}",  # the room number runs into the card
        "abc@qq.com.13812345678",  # the phone is glued to the e-mail until that is masked
        "收件人王小明广东省深圳市南山区科技园路1号3栋201室13812345678",
    ],
)
def test_masking_again_changes_nothing(text):
    once = mask_text(text)
    assert once != text
    assert mask_text(once) == once


def test_glued_digits_are_not_split_into_a_phone():
    assert mask_text("138123456789") == "138123456789"  # 12 digits
    assert mask_text("A13812345678") == "A13812345678"  # part of a code


# Every way one digit of a phone number is written: ASCII, full-width, Chinese numerals (幺, 两, 〇, 零 too) and O.
CHINESE_NUMERALS = {
    "0": ["〇", "○", "零"],
    "1": ["一", "幺", "壹"],
    "2": ["二", "两", "贰"],
    **{digit: [numeral, financial] for digit, numeral, financial in zip("3456789", "三四五六七八九", "叁肆伍陆柒捌玖")},
}
DIGIT_SPELLINGS = {
    digit: [digit, chr(ord(digit) + 0xFEE0), *numerals, *(["O"] if digit == "0" else [])]
    for digit, numerals in CHINESE_NUMERALS.items()
}


def spelled(digits: str, spellings: dict[str, list[str]]) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from(spellings[digit]) for digit in digits)).map("".join)


mobile_numbers = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@settings(max_examples=300, deadline=None)
@given(
    mobile_numbers.flatmap(lambda number: spelled(number, DIGIT_SPELLINGS)), st.sampled_from(["", " ", "-", "\u3000"])
)
def test_a_mobile_number_spelled_any_way_is_masked_whole(number, separator):
    written = separator.join([number[:3], number[3:7], number[7:]])
    text = f"有问题打{written}，谢谢"
    result = mask(text)
    assert result.text == "有问题打[PHONE]，谢谢"
    assert [(span.kind, text[span.start : span.end]) for span in result.spans] == [("PHONE", written)]


GAPS = ["", " ", "  ", "-", " - ", "\u3000", "－"]


@settings(max_examples=300, deadline=None)
@given(
    mobile_numbers.flatmap(lambda number: spelled(number, DIGIT_SPELLINGS)),
    st.lists(st.sampled_from(GAPS), min_size=10, max_size=10),
    st.sampled_from(["电话", "手机号：", "联系我 ", "打", "致电", "tel: ", "请拨打 ", "电话号码是"]),
)
def test_a_mobile_grouped_any_way_after_a_phone_cue_is_masked_whole(number, gaps, cue):
    written = number[0] + "".join(gap + digit for gap, digit in zip(gaps, number[1:], strict=True))
    text = f"{cue}{written}，谢谢"
    result = mask(text)
    assert result.text == f"{cue}[PHONE]，谢谢"
    assert [(span.kind, text[span.start : span.end]) for span in result.spans] == [("PHONE", written)]


@settings(max_examples=200, deadline=None)
@given(
    mobile_numbers.flatmap(lambda number: spelled(number, CHINESE_NUMERALS)),
    st.sampled_from(["一直打不通", "两次没人接", "三天没回", "一下"]),
)
def test_a_spelled_mobile_before_a_numeral_word_is_masked_and_the_word_kept(numerals, word):
    assert mask(f"电话{numerals}{word}").text == f"电话[PHONE]{word}"
    assert mask(f"打{numerals}{word}").text == f"打[PHONE]{word}"


@settings(max_examples=200, deadline=None)
@given(
    (mobile_numbers.map(lambda number: number[:-1]) | mobile_numbers.map(lambda number: number + "8")).flatmap(
        lambda number: spelled(number, CHINESE_NUMERALS)
    )
)
def test_ten_or_twelve_numerals_are_no_phone(numerals):
    assert find_private(f"有问题打{numerals}，谢谢") == ()


@settings(max_examples=200, deadline=None)
@given(
    mobile_numbers.flatmap(lambda number: spelled(number, CHINESE_NUMERALS)),
    st.sampled_from("十百千万亿"),
    st.booleans(),
)
def test_eleven_numerals_inside_a_number_in_words_are_no_phone(numerals, unit, unit_first):
    text = unit + numerals if unit_first else numerals + unit
    assert find_private(text) == ()


# --------------------------------------------------------------------------------------------------------------
# API: spans, results, kinds.


def test_spans_point_into_the_original_text():
    text = "联系人 张伟，手机１３８１２３４５６７８，邮箱ab@qq.com"
    result = mask(text)
    assert isinstance(result, MaskResult)
    assert result.text == "联系人 [NAME]，手机[PHONE]，邮箱[EMAIL]"
    assert [text[span.start : span.end] for span in result.spans] == ["张伟", "１３８１２３４５６７８", "ab@qq.com"]
    assert [span.placeholder for span in result.spans] == ["[NAME]", "[PHONE]", "[EMAIL]"]


def test_results_are_frozen():
    (span,) = find_private("13812345678")
    assert span == PrivateSpan("PHONE", 0, 11, "[PHONE]")
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        mask("x").text = "y"  # type: ignore[misc]


def test_every_kind_has_a_placeholder():
    assert set(PLACEHOLDERS) == set(KINDS)
    assert PLACEHOLDERS["BANKCARD"] == "[CARD]"


def test_account_is_a_kind_of_its_own():
    text = "QQ 12345678，电话13812345678"
    assert mask_text(text, kinds=["account"]) == "QQ [ACCOUNT]，电话13812345678"
    assert mask_text(text, kinds=["PHONE"]) == "QQ 12345678，电话[PHONE]"


def test_kinds_restricts_what_is_masked():
    text = "收件人：王小明 13812345678 wxm@163.com"
    assert mask_text(text, kinds={"PHONE"}) == "收件人：王小明 [PHONE] wxm@163.com"
    assert mask_text(text, kinds=["email", "name"]) == "收件人：[NAME] 13812345678 [EMAIL]"
    assert mask_text(text, kinds="PHONE") == mask_text(text, kinds=["PHONE"])


@pytest.mark.parametrize("empty", [(), [], set(), frozenset()])
def test_an_empty_kind_list_is_an_error_not_a_mask_of_nothing(empty):
    with pytest.raises(UnknownKindError, match="masks nothing; pass None for all kinds") as caught:
        mask_text("电话13812345678", kinds=empty)
    assert caught.value.exit_code == 2
    with pytest.raises(UnknownKindError):
        find_private("", kinds=empty)


def test_card_is_the_placeholder_name_and_an_alias_of_bankcard():
    text = f"卡号{CARD_19}，电话13812345678"
    assert mask_text(text, kinds=["CARD"]) == "卡号[CARD]，电话13812345678"
    assert mask_text(text, kinds="card") == mask_text(text, kinds={"BANKCARD"}) == mask_text(text, kinds=["CARD"])
    assert [span.kind for span in find_private(text, kinds=["CARD", "PHONE"])] == ["BANKCARD", "PHONE"]
    assert set(KIND_ALIASES.values()) <= set(KINDS) and not set(KIND_ALIASES) & set(KINDS)


def test_kinds_filter_after_precedence():
    # The number is an order number; asking for phones only must not relabel it.
    assert mask_text("订单号：13812345678", kinds=["PHONE"]) == "订单号：13812345678"


def test_unknown_kind_is_a_library_error_with_a_hint():
    with pytest.raises(UnknownKindError, match="Did you mean 'PHONE'") as caught:
        mask_text("x", kinds=["PHONES"])
    assert isinstance(caught.value, ComplaintMineError) and isinstance(caught.value, ValueError)
    assert caught.value.exit_code == 2  # a command-line (--kind) or input error, as InputError
    assert "BANKCARD (or CARD)" in str(caught.value)


def test_non_text_is_rejected():
    with pytest.raises(TypeError):
        mask_text(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# Properties.

FRAGMENTS = [
    ID_X, ID_DIGIT, with_wrong_check(ID_DIGIT), "110105491231002", CARD_19, CARD_16_GROUPED, NOT_LUHN_16,
    "13812345678", "+86", "86", "138", "1234", "5678", "0755", "010", "400", "240101", "123456789012345",
    "订单号", "单号", "订单", "卡号", "身份证", "电话", "收件人", "联系人", "我叫", "王小明", "张", "李娜", "先生",
    "师傅", "地址", "住在", "广东省", "深圳市", "南山区", "科技园路", "1号", "3栋", "201", "室", "[PHONE]", "[NAME]",
    "@", "qq.com", "abc", "X", "x", "SF", "¥", "元", "(", ")", " ", "-", ".", "：", "，", "的", "和", "1", "0", "9",
    "１３８", "order", "no.", "card", "一三八", "幺三九", "零零零零", "一二三四", "O", "十", "万", "两",
    "QQ", "微信号", "vx", "abc_12", "[ACCOUNT]", "转", "分机", "1381", "234", "  ", " - ", "联系",
]  # fmt: skip
fragment_texts = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=12).map("".join)
kind_subsets = st.none() | st.sets(st.sampled_from(KINDS), min_size=1)


@settings(max_examples=300, deadline=None)
@given(st.text() | fragment_texts, kind_subsets)
def test_masking_is_idempotent(text, kinds):
    once = mask_text(text, kinds)
    assert mask_text(once, kinds) == once


@settings(max_examples=300, deadline=None)
@given(st.text() | fragment_texts)
def test_spans_are_ordered_disjoint_and_rebuild_the_masked_text(text):
    result = mask(text)
    rebuilt, position = [], 0
    for span in result.spans:
        assert position <= span.start < span.end <= len(text)
        assert span.placeholder == PLACEHOLDERS[span.kind]
        rebuilt += [text[position : span.start], span.placeholder]
        position = span.end
    assert "".join([*rebuilt, text[position:]]) == result.text


@settings(max_examples=300, deadline=None)
@given(st.text(), kind_subsets)
def test_never_raises_on_any_unicode_text(text, kinds):
    assert isinstance(mask_text(text, kinds), str)


# Chinese text without digits or @, drawn from characters that make up names, addresses and context words.
NO_DIGIT_ALPHABET = "".join(
    sorted(
        set(
            "王李张刘欧阳小明娜伟省市区县路街号栋单元室村花园一三"
            "收件人联系姓名我叫本地址住在寄到先生女士师傅的了，。 abcX"
        )
    )
)
TRIGGERS = (*NAME_CONTEXTS, *HONORIFICS, *ADDRESS_CONTEXTS)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=NO_DIGIT_ALPHABET, max_size=30) | st.text(max_size=30))
def test_text_without_digits_at_or_context_is_unchanged(text):
    # Chinese numerals spell digits too: seven of them may be a phone number after a context word, eleven one alone.
    has_digit_or_at = (
        any(char.isdigit() or char in "@＠" for char in text)
        or sum(any(char in numerals for numerals in CHINESE_NUMERALS.values()) for char in text) >= 7
    )
    if has_digit_or_at or any(word in text for word in TRIGGERS):
        return
    assert mask_text(text) == text
