"""The characters of foreign names as Chinese writes them: the name models' and rules'
"transliteration character" (a table, nothing else: every part of ``deid`` may read it)."""

from __future__ import annotations

# Characters of the standard transliteration tables (新华社译名), and those of the dotted
# names in train/ and dev/.
TRANSLITERATION_CHARS = (
    "阿埃艾爱安昂奥巴拔班邦保鲍贝本比彼毕宾波伯博布查柴达戴丹道德登迪蒂丁东杜多厄恩法凡菲费芬丰弗"
    "福夫富盖甘高戈格根古瓜哈海汉豪赫亨胡华霍基吉加贾杰金卡凯坎康考科克肯库拉莱兰劳勒雷里利莉连列"
    "林琳卢鲁路伦罗洛马玛迈麦曼梅蒙米密明摩莫姆穆娜纳奈内尼妮努诺欧帕潘佩皮普奇齐乔琼萨塞桑森沙莎"
    "尚舍施什斯松苏索塔泰坦汤唐特提图托瓦万威韦维温沃乌伍西希夏谢辛休雅亚扬耶伊因英尤于约泽扎詹兹"
    "佐祖尔儿赛娃娅琪蕾薇丝朗隆露黛茨霍丽翰瑞南顿文史当山得佛历瑟怀昆滕珀茱彭廉地圭贡涅治理大奎汀"
    "朱芭肖"
)
