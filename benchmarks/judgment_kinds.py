"""The kinds of judgment ``benchmarks/deid_judgments.py`` writes: criminal first instance,
civil first and second instance, administrative, enforcement and sentence-reduction rulings,
and mediation, each with the parties, counsel and bench of its kind."""

from __future__ import annotations

from judgment_context import CAUSES, CRIMES, LAWS, ORGANS, Context
from judgment_names import amount, case_number, date
from judgment_text import Keep


def criminal(ctx: Context) -> None:
    rng, doc = ctx.rng, ctx.doc
    ctx.heading("刑事判决书", "刑初")
    procuratorate = f"{ctx.city}某某区人民检察院"
    doc.say(f"公诉机关{procuratorate}。\n")
    defendants = [ctx.party("defendant") for _ in range(rng.choice((1, 1, 2)))]
    lawyers = []
    for defendant in defendants:
        doc.say("被告人", defendant, *ctx.bio(defendant))
        doc.say(
            f"因涉嫌犯{rng.choice(CRIMES)}罪于",
            Keep(date(rng), "date"),
            "被刑事拘留，现羁押于看守所。\n",
        )
        lawyers.append(ctx.counsel("辩护人", defendant))
    victim, witnesses = ctx.party("victim"), [ctx.party("witness") for _ in range(2)]
    prosecutor = ctx.staff("prosecutor")
    first = defendants[0]
    crime = rng.choice(CRIMES)
    doc.say(
        f"{procuratorate}以",
        Keep(f"某检刑诉〔{rng.randint(2014, 2023)}〕{rng.randint(1, 999)}号", "document_number"),
        "起诉书指控被告人",
        first,
        f"犯{crime}罪，于",
        Keep(date(rng), "date"),
        "向本院提起公诉。本院依法组成合议庭，公开开庭审理了本案。",
        procuratorate,
        f"指派{rng.choice(('检察员', '检察官', '代理检察员'))}",
        prosecutor,
        "出庭支持公诉，被告人",
        first,
        "及其辩护人",
        lawyers[0],
        "到庭参加诉讼。现已审理终结。\n",
    )
    doc.say(
        "经审理查明：",
        Keep(date(rng), "date"),
        "，被告人",
        first,
        "窜至被害人",
        victim,
        "经营的商店，盗走现金人民币",
        Keep(amount(rng), "amount"),
        "。案发后，被告人",
        first,
        "在其住处被抓获。\n",
    )
    ctx.narrative(first)
    doc.say(
        "上述事实，有被害人",
        victim,
        "的陈述，证人",
        witnesses[0],
        "、",
        witnesses[1],
        "的证言，被告人",
        first,
        "的供述与辩解等证据证实，足以认定。\n",
    )
    doc.say(
        "本院认为，被告人",
        first,
        f"以非法占有为目的，其行为已构成{crime}罪。辩护人",
        lawyers[0],
        "提出被告人",
        first,
        "系初犯的辩护意见，本院予以采纳。依照",
        Keep(LAWS[0], "law"),
        "之规定，判决如下：\n",
    )
    for defendant in defendants:
        doc.say(
            "被告人",
            defendant,
            f"犯{crime}罪，判处有期徒刑一年，并处罚金人民币",
            Keep(amount(rng), "amount"),
            "。\n",
        )
    doc.say(
        "如不服本判决，可在接到判决书的第二日起十日内，通过本院或者直接向中级人民法院提出上诉。\n"
    )
    ctx.footer(("审判长", "审判员", "人民陪审员", "DATE", "书记员"))


def civil_first(ctx: Context) -> None:
    rng, doc = ctx.rng, ctx.doc
    ctx.heading("民事判决书", "民初")
    plaintiff = ctx.party("plaintiff")
    doc.say(f"原告{ctx.colon()}", plaintiff, *ctx.bio(plaintiff), "\n")
    agent = ctx.counsel("委托诉讼代理人：", plaintiff)
    company, rep = ctx.company(f"被告{ctx.colon()}")
    defendant = ctx.party("defendant_civil")
    doc.say("被告：", defendant, *ctx.bio(defendant), "\n")
    third = ctx.party("third_party") if rng.random() < 0.4 else None
    if third:
        doc.say("第三人：", third, *ctx.bio(third), "\n")
    cause = rng.choice(CAUSES)
    simple = rng.random() < 0.5
    procedure: tuple[object, ...] = ("依法组成合议庭",)
    if simple:
        procedure = (
            "依法适用简易程序，由审判员",
            ctx.officer("审判员"),
            "独任审判，书记员",
            ctx.officer("书记员"),
            "担任记录",
        )
    doc.say(
        "原告",
        plaintiff,
        f"与被告{company}、",
        defendant,
        f"{cause}一案，本院于",
        Keep(date(rng), "date"),
        "立案后，",
        *procedure,
        "，公开开庭进行了审理。原告",
        plaintiff,
        "及其委托诉讼代理人",
        agent,
        "、被告",
        defendant,
        "到庭参加诉讼，被告",
        company,
        "的法定代表人",
        rep,
        "经本院传票传唤无正当理由拒不到庭。本案现已审理终结。\n",
    )
    doc.say(
        plaintiff,
        "向本院提出诉讼请求：判令被告偿还借款本金",
        Keep(amount(rng), "amount"),
        "及利息。事实和理由：",
        Keep(date(rng), "date"),
        "，",
        defendant,
        "向",
        plaintiff,
        "借款并出具借条。\n",
    )
    ctx.narrative(defendant)
    doc.say(
        defendant,
        "辩称，借款已部分归还，请求驳回原告的诉讼请求。\n本院认为，合法的借贷关系受法律保护。",
        defendant,
        "未按约定还款，应承担责任。依照",
        Keep(LAWS[1], "law"),
        "、",
        Keep(LAWS[2], "law"),
        "规定，判决如下：\n",
    )
    doc.say(
        "一、被告",
        defendant,
        "于本判决生效之日起十日内偿还原告",
        plaintiff,
        "借款本金",
        Keep(amount(rng), "amount"),
        "；\n",
    )
    doc.say("案件受理费", Keep(amount(rng), "amount"), "，由被告", defendant, "负担。\n")
    ctx.footer(
        ("审判员", "DATE", "书记员")
        if simple
        else ("审判长", "审判员", "审判员", "DATE", "法官助理", "书记员")
    )


def civil_second(ctx: Context) -> None:
    rng, doc = ctx.rng, ctx.doc
    ctx.heading("民事判决书", "民终")
    appellant, appellee = ctx.party("appellant"), ctx.party("appellee")
    doc.say("上诉人（原审被告）：", appellant, *ctx.bio(appellant), "\n")
    agent = ctx.counsel("委托诉讼代理人：", appellant)
    doc.say("被上诉人（原审原告）：", appellee, *ctx.bio(appellee), "\n")
    third = ctx.party("third_party")
    doc.say("原审第三人：", third, *ctx.bio(third), "\n")
    cause = rng.choice(CAUSES)
    doc.say(
        "上诉人",
        appellant,
        "因与被上诉人",
        appellee,
        "、原审第三人",
        third,
        f"{cause}一案，不服某某区人民法院",
        Keep(case_number(rng, ctx.code, "民初"), "case_number"),
        "民事判决，向本院提起上诉。本院立案后，依法组成合议庭进行了审理。上诉人",
        appellant,
        "及其委托诉讼代理人",
        agent,
        "到庭参加诉讼。本案现已审理终结。\n",
    )
    ctx.narrative(appellant)
    doc.say(
        appellant,
        "上诉请求：撤销一审判决，改判驳回",
        appellee,
        "的诉讼请求。\n",
        appellee,
        "辩称：一审判决认定事实清楚。\n",
        third,
        "述称：同意",
        appellee,
        "的意见。\n",
    )
    doc.say(
        "本院认为，",
        appellant,
        "的上诉请求不能成立，应予驳回。判决如下：\n驳回上诉，维持原判。\n二审案件受理费",
        Keep(amount(rng), "amount"),
        "，由上诉人",
        appellant,
        "负担。\n本判决为终审判决。\n",
    )
    ctx.footer(("审判长", "审判员", "审判员", "DATE", "法官助理", "书记员"))


def administrative(ctx: Context) -> None:
    rng, doc = ctx.rng, ctx.doc
    ctx.heading("行政判决书", "行初")
    plaintiff = ctx.party("plaintiff")
    doc.say(f"原告{ctx.colon()}", plaintiff, *ctx.bio(plaintiff), "\n")
    agent = ctx.counsel("委托代理人", plaintiff)
    organ = ctx.city + rng.choice(ORGANS)
    head, deputy = ctx.staff("legal_rep"), ctx.staff("organ_head")
    doc.say(
        f"被告{organ}，住所地{ctx.city}某某大道{rng.randint(1, 300)}号。\n法定代表人",
        head,
        "，局长。\n",
    )
    doc.say(f"{rng.choice(('出庭负责人', '行政机关负责人'))}", deputy, "，副局长。\n")
    staff = ctx.counsel("委托代理人", plaintiff)
    doc.say(
        "原告",
        plaintiff,
        f"不服被告{organ}作出的",
        Keep(f"某政罚〔{rng.randint(2014, 2023)}〕{rng.randint(1, 99)}号", "document_number"),
        "行政处罚决定，于",
        Keep(date(rng), "date"),
        "向本院提起行政诉讼。本院公开开庭审理了本案。原告",
        plaintiff,
        "及其委托代理人",
        agent,
        f"，被告{organ}的行政机关负责人",
        deputy,
        "及委托代理人",
        staff,
        "到庭参加诉讼。\n",
    )
    doc.say(
        "本院认为，被告对原告",
        plaintiff,
        "作出罚款",
        Keep(amount(rng), "amount"),
        "的处罚，事实清楚。依照",
        Keep(LAWS[3], "law"),
        "之规定，判决如下：\n驳回原告",
        plaintiff,
        "的诉讼请求。\n",
    )
    ctx.footer(("审判长", "审判员", "人民陪审员", "DATE", "书记员"))


def enforcement(ctx: Context) -> None:
    rng, doc = ctx.rng, ctx.doc
    ctx.heading("执行裁定书", "执")
    applicant, debtor = ctx.party("applicant"), ctx.party("debtor")
    doc.say("申请执行人：", applicant, *ctx.bio(applicant), "\n")
    ctx.counsel("委托代理人：", applicant)
    doc.say("被执行人：", debtor, *ctx.bio(debtor), "\n")
    company, rep = ctx.company("被执行人：")
    doc.say(
        "本院在执行申请执行人",
        applicant,
        "与被执行人",
        debtor,
        f"、{company}{rng.choice(CAUSES)}一案中，本院作出的",
        Keep(case_number(rng, ctx.code, "民初"), "case_number"),
        "民事判决已经发生法律效力。申请执行人",
        applicant,
        "于",
        Keep(date(rng), "date"),
        "向本院申请执行，执行标的",
        Keep(amount(rng), "amount"),
        "。本院向被执行人",
        debtor,
        "发出执行通知书、报告财产令，被执行人",
        debtor,
        "未履行义务。经查，被执行人",
        company,
        "的法定代表人",
        rep,
        "下落不明。\n裁定如下：\n终结本次执行程序。\n",
    )
    ctx.footer(("审判员", "DATE", "执行员", "书记员"))


def reduction(ctx: Context) -> None:
    rng, doc = ctx.rng, ctx.doc
    ctx.heading("刑事裁定书", "刑更")
    convict = ctx.party("convict")
    doc.say("罪犯", convict, *ctx.bio(convict), "现在某某监狱服刑。\n")
    doc.say(
        "本院于",
        Keep(date(rng), "date"),
        "作出",
        Keep(case_number(rng, ctx.code, "刑初"), "case_number"),
        "刑事判决，以罪犯",
        convict,
        f"犯{rng.choice(CRIMES)}罪，判处有期徒刑十年。执行机关于",
        Keep(date(rng), "date"),
        "提出减刑建议书。本院依法组成合议庭进行了审理。\n经审理查明，罪犯",
        convict,
        "在服刑期间，认罪悔罪，确有悔改表现。\n本院认为，罪犯",
        convict,
        "符合减刑条件。裁定如下：\n对罪犯",
        convict,
        "减去有期徒刑八个月。\n",
    )
    ctx.footer(("审判长", "审判员", "审判员", "DATE", "书记员"))


def mediation(ctx: Context) -> None:
    rng, doc = ctx.rng, ctx.doc
    ctx.heading("民事调解书", "民初")
    plaintiff, defendant = ctx.party("plaintiff"), ctx.party("defendant_civil")
    doc.say(
        f"原告{ctx.colon()}",
        plaintiff,
        *ctx.bio(plaintiff),
        "\n",
        f"被告{ctx.colon()}",
        defendant,
        *ctx.bio(defendant),
        "\n",
    )
    child = ctx.party("child")
    doc.say(
        "原告",
        plaintiff,
        "与被告",
        defendant,
        "离婚纠纷一案，本院于",
        Keep(date(rng), "date"),
        "立案后，依法适用简易程序进行了审理。经本院主持调解，双方当事人自愿达成如下协议：\n一、原告",
        plaintiff,
        "与被告",
        defendant,
        "自愿离婚；\n二、婚生子",
        child,
        "由原告",
        plaintiff,
        "抚养，被告",
        defendant,
        "每月支付抚养费",
        Keep(amount(rng), "amount"),
        "；\n上述协议，不违反法律规定，本院予以确认。\n",
    )
    ctx.footer(("审判员", "DATE", "书记员"))


KINDS = {
    "criminal": criminal,
    "civil_first": civil_first,
    "civil_second": civil_second,
    "administrative": administrative,
    "enforcement": enforcement,
    "reduction": reduction,
    "mediation": mediation,
}
