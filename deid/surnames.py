"""Chinese surnames (the common entries of 百家姓 and the 2020 household-register ranking)."""

from __future__ import annotations

# By frequency: the 2020 household-register ranking, then entries of 百家姓 it lacks.
RANKED_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵩帖蔚冶种揭"
    # entries of 百家姓 the ranking's head left out (傅, 洪, 赖 are common in the south; 逄,
    # 訾, 郦 are rare but no common word)
    "傅洪赖萧阎鄂凤昌戎宓嵇荀竺旷巢宦束乜仉訾逄郦笪禚邴郏酆钮钭隗贲蒯璩殳羿莘昝綦谯虢毋郗郤"
    "佴尉蹇厍庾蓟汲甯慎富禄"
)
# traditional forms, for text from Hong Kong, Macao and Taiwan
TRADITIONAL_SURNAMES = (
    "陳黃劉張趙楊吳鄭謝許韓馮鄧蕭葉蘇呂盧蔣錢孫羅鍾譚陸賈韋鄒閆龍湯嚴龔萬鄔賴閻鳳"
)
SINGLE_SURNAMES = frozenset(RANKED_SURNAMES + TRADITIONAL_SURNAMES)

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 "
    "西门 百里 呼延 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 濮阳 司空 东郭 拓跋 完颜 单于 "
    "范姜 张简 左丘 梁丘 第五 公羊 谷梁 宗政 漆雕 乐正 壤驷 巫马 仲孙 叔孙".split()
)
# The name models read the table above into their features (``deid.lexicon``): these rarer
# ones, added since they were trained, the rules read only (工友淳于保国, 股东纳兰卫东出具, 被告人
# 夹谷某).
TRAINED_COMPOUND_SURNAMES = COMPOUND_SURNAMES
COMPOUND_SURNAMES = TRAINED_COMPOUND_SURNAMES | frozenset(
    "淳于 鲜于 闾丘 纳兰 亓官 司寇 羊舌 颛孙 公西 夹谷".split()
)

# Surnames too much a common word for the table (由, the Dai 刀, 暴 and 粘, 水, 过, 幸; Yunnan's
# 普 and 者; 岩, 召, 依 and 咪 open Dai names), read only right after a party's role or a
# post or in a list of names after one (``deid.recognizers.role_surnames``).
WORD_SURNAMES = "由刀岩召依咪暴粘水过幸普者"

# A regular expression of one surname, compound first (欧阳 before 欧).
SURNAME_PATTERN = (
    "(?:" + "|".join(sorted(COMPOUND_SURNAMES)) + "|[" + "".join(sorted(SINGLE_SURNAMES)) + "])"
)


def surname_length(text: str, start: int, compounds: frozenset[str] = COMPOUND_SURNAMES) -> int:
    """Length (2, 1 or 0) of the surname starting at ``text[start]``, compound first."""
    if text[start : start + 2] in compounds:
        return 2
    return 1 if start < len(text) and text[start] in SINGLE_SURNAMES else 0


def trained_surname_length(text: str, start: int) -> int:
    """``surname_length`` with the compound surnames the name models were trained with: what
    their features and the span judge's read."""
    return surname_length(text, start, TRAINED_COMPOUND_SURNAMES)
