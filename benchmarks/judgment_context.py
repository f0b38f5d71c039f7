"""One judgment being written for ``benchmarks/deid_judgments.py``: its court, people,
party details, counsel, narrative and footer (``Context``), and the tables they draw on."""

from __future__ import annotations

import random

from judgment_names import (
    KIN,
    NICKNAMES,
    People,
    Person,
    case_number,
    chinese_date,
)
from judgment_text import Document, Keep

COURTS = (
    ("广西壮族自治区桂林市叠彩区人民法院", "桂0303", "桂林市", "汉族"),
    ("广西壮族自治区柳州市柳南区人民法院", "桂0204", "柳州市", "壮族"),
    ("安徽省合肥市蜀山区人民法院", "皖0104", "合肥市", "汉族"),
    ("湖南省长沙市岳麓区人民法院", "湘0104", "长沙市", "汉族"),
    ("广东省佛山市高明区人民法院", "粤0608", "佛山市", "汉族"),
    ("江苏省南京市鼓楼区人民法院", "苏0106", "南京市", "汉族"),
    ("河南省郑州市金水区人民法院", "豫0105", "郑州市", "汉族"),
    ("四川省成都市武侯区人民法院", "川0107", "成都市", "彝族"),
    ("新疆维吾尔自治区乌鲁木齐市天山区人民法院", "新0102", "乌鲁木齐市", "维吾尔族"),
    ("山东省青岛市市南区人民法院", "鲁0202", "青岛市", "汉族"),
)
FIRMS = (
    "广西桂海律师事务所",
    "安徽天禾律师事务所",
    "湖南金州律师事务所",
    "广东国鼎律师事务所",
    "北京大成（南京）律师事务所",
    "河南英泰律师事务所",
    "四川恒和信律师事务所",
    "新疆天阳律师事务所",
    "山东德衡律师事务所",
    "某某律师事务所",
)
COMPANIES = (
    "桂林市金桂贸易有限公司",
    "合肥华宇建筑工程有限公司",
    "中国平安财产保险股份有限公司佛山中心支公司",
    "长沙市高新区江山物流有限公司",
    "南京明远置业有限公司",
    "中国工商银行股份有限公司郑州金水支行",
    "成都天府农业发展有限公司",
    "青岛海洋食品有限公司",
    "某某小额贷款有限公司",
)
ORGANS = (
    "自然资源局",
    "人力资源和社会保障局",
    "市场监督管理局",
    "住房和城乡建设局",
    "公安局交通警察支队",
)
CRIMES = ("盗窃", "故意伤害", "诈骗", "危险驾驶", "寻衅滋事", "开设赌场", "非法吸收公众存款")
CAUSES = ("民间借贷纠纷", "买卖合同纠纷", "机动车交通事故责任纠纷", "劳动争议", "房屋租赁合同纠纷")
LAWS = (
    "《中华人民共和国刑法》第二百六十四条、第六十七条第三款",
    "《中华人民共和国民法典》第六百七十五条",
    "《中华人民共和国民事诉讼法》第一百四十七条",
    "《中华人民共和国行政诉讼法》第六十九条",
)


class Context:
    """One judgment being written: its court, case number, people and bench."""

    def __init__(self, rng: random.Random, doc: Document) -> None:
        self.rng = rng
        self.doc = doc
        self.court, self.code, self.city, self.nation = rng.choice(COURTS)
        style = rng.choice(("full", "mou", "mou", "middle", "ordinal", "number", "symbol"))
        self.people = People(rng, style)
        # One judgment in five comes scraped into one paragraph, the footer on one line.
        if rng.random() < 0.2:
            doc.newline = rng.choice(("", " ", "\u3000"))
        self.bench: dict[str, Person] = {}

    def officer(self, title: str) -> Person:
        """The judge or clerk of ``title``, the same person in the body and the footer."""
        if title not in self.bench:
            self.bench[title] = self.staff(
                "clerk" if "书记" in title or "助理" in title else "judge"
            )
        return self.bench[title]

    def narrative(self, first: Person) -> None:
        """Sentences naming people who have no role word before them (经王某介绍, 与李四系
        朋友关系, 其妻子文静证实)."""
        rng, doc = self.rng, self.doc
        others = [self.party("other", rng.choice((None, None, "full"))) for _ in range(3)]
        a, b, c = others
        templates = [
            (first, "与", a, "系朋友关系，经", b, "介绍认识了", c, "。\n"),
            (
                "案发当晚，",
                first,
                "与",
                a,
                "、",
                b,
                "在某某烧烤店饮酒，",
                c,
                "报警后，民警将",
                first,
                "抓获。\n",
            ),
            (first, "将钱款转入", a, "的银行账户，借条由", b, "经手，", c, "在场见证。\n"),
            (
                first,
                "的",
                rng.choice(("妻子", "丈夫", "女友", "哥哥", "同事")),
                a,
                "证实，",
                b,
                "曾向",
                first,
                "催要欠款，",
                c,
                "亦予以证实。\n",
            ),
            (first, "伙同", a, "（另案处理）驾车至某某村，由", b, "望风，", c, "负责销赃。\n"),
        ]
        doc.say(*rng.choice(templates))

    def staff(self, role: str) -> Person:
        return self.people.full(role)

    def party(self, role: str, style: str | None = None) -> Person:
        return self.people.party(role, style)

    def keep(self, text: str, kind: str) -> Keep:
        return Keep(text, kind)

    def heading(self, title: str, kind: str) -> None:
        if self.rng.random() < 0.5:
            title = " ".join(title) if self.rng.random() < 0.5 else "\u3000".join(title)
        self.doc.say(
            f"{self.court}\n{title}\n",
            Keep(case_number(self.rng, self.code, kind), "case_number"),
            "\n",
        )

    def bio(self, person: Person) -> list[object]:
        """，男，1987年6月12日出生，汉族，…住…。 (曾用名, 绰号 sometimes)"""
        rng = self.rng
        parts: list[object] = []
        if rng.random() < 0.15 and not person.form.startswith("minority"):
            alias = (
                self.people.full("alias")
                if person.form in ("full", "word")
                else self.party("alias")
            )
            parts += ["（曾用名", alias]
            if rng.random() < 0.5:
                parts += ["，绰号“", Person(rng.choice(NICKNAMES), "", "nickname", "nickname"), "”"]
            parts.append("）")
        nation = {"minority": "维吾尔族", "minority_plain": "藏族"}.get(person.form, self.nation)
        born = f"{rng.randint(1950, 2002)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        parts += [f"，{rng.choice('男女')}，", Keep(born, "date"), f"出生，{nation}，"]
        parts.append(
            f"住{self.city}{rng.choice(('某某区', '城关镇', '新华路'))}{rng.randint(1, 99)}号。"
        )
        return parts

    def counsel(self, title: str, client: Person) -> Person:
        """委托诉讼代理人：王平，某某律师事务所律师。 or a relative or employee."""
        roll = self.rng.random()
        if roll < 0.7:
            lawyer = self.staff("lawyer")
            self.doc.say(f"{title}", lawyer, f"，{self.rng.choice(FIRMS)}律师。\n")
            return lawyer
        agent = self.party("agent")
        relation = (
            f"系{self.rng.choice(('原告', '被告', '上诉人'))}之{self.rng.choice(KIN)}"
            if roll < 0.9
            else "该公司员工"
        )
        self.doc.say(f"{title}", agent, f"，{relation}。\n")
        return agent

    def company(self, title: str) -> tuple[str, Person]:
        name = self.rng.choice(COMPANIES)
        rep = self.staff("legal_rep")
        post = self.rng.choice(("总经理", "董事长", "执行董事", "行长"))
        self.doc.say(f"{title}{name}，住所地{self.city}某某路{self.rng.randint(1, 300)}号。\n")
        label = "负责人" if "分" in name[-5:] or "支" in name[-6:] else "法定代表人"
        self.doc.say(f"{label}{self.colon()}", rep, f"，该公司{post}。\n")
        return name, rep

    def colon(self) -> str:
        return self.rng.choice(("：", "", "："))

    def footer(self, titles: tuple[str, ...]) -> None:
        """The bench, a date in Chinese numerals and the clerk, titles and names spaced out."""
        rng, doc = self.rng, self.doc
        spaced_titles = rng.random() < 0.5
        gap = rng.choice(("\u3000\u3000", "\u3000", "  ", "\t", "："))
        if doc.newline != "\n" and rng.random() < 0.4:
            gap = ""  # scraped with every space stripped: 审判长许博审判员梁广平…
        used: set[str] = set()
        for title in titles:
            if title == "DATE":
                doc.say(Keep(chinese_date(rng), "date"), "\n")
                if rng.random() < 0.3:
                    doc.say("本件与原本核对无异\n")
                continue
            person = self.officer(title) if title not in used else self.staff("judge")
            used.add(title)
            written = person.first
            if len(written) == 2 and rng.random() < 0.6:
                written = written[0] + rng.choice(("\u3000", " ", "\u3000\u3000")) + written[1]
                person = Person(written, written, person.role, "spaced")
            shown = title
            if spaced_titles and len(title) == 3:
                shown = "\u3000".join(title)
            doc.say(
                shown + gap,
                person,
                "\n" if doc.newline == "\n" else rng.choice((" ", "\u3000", "")),
            )
