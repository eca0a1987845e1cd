"""Draw synthetic reports whose tables satisfy every equation of the layout.

* :func:`consistent_cells` builds the tables constructively: leaf counts first, totals computed.
* :func:`make_report` adds an agency, a year, a narrative quoting the table figures and the
  presentation variants (label spellings, blank markers, markup style, …).
* :func:`inject_error` changes one number of 表三 or 表四 so that an equation breaks.
* :func:`broken_equations` evaluates the layout's equations (blank = unknown >= 0, as the project's
  rules do, or blank = 0).

Every draw uses its own ``random.Random`` stream, so overriding one part of a report (say the
agency) leaves the other parts of the same seed unchanged.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

from xxgk_audit.layout import EquationInstance, Layout, get_layout

from .model import BLANK_MARKERS, SiteInfo, SyntheticReport, t4_columns

RngLike = random.Random | int | str | None

# (place, pinyin slug, province abbreviation, administrative division code)
PLACES = [
    ("临沭县", "linshu", "鲁", "371329"), ("沂水县", "yishui", "鲁", "371323"), ("莒南县", "junan", "鲁", "371327"),
    ("滕州市", "tengzhou", "鲁", "370481"), ("寿光市", "shouguang", "鲁", "370783"), ("文登区", "wendeng", "鲁", "371003"),
    ("睢县", "suixian", "豫", "411422"), ("鄢陵县", "yanling", "豫", "411024"), ("林州市", "linzhou", "豫", "410581"),
    ("沭阳县", "shuyang", "苏", "321322"), ("泗洪县", "sihong", "苏", "321324"), ("洪泽区", "hongze", "苏", "320813"),
    ("涟水县", "lianshui", "苏", "320826"), ("盱眙县", "xuyi", "苏", "320830"), ("邳州市", "pizhou", "苏", "320382"),
    ("东台市", "dongtai", "苏", "320981"), ("兴化市", "xinghua", "苏", "321281"), ("如皋市", "rugao", "苏", "320682"),
    ("婺源县", "wuyuan", "赣", "361130"), ("乐平市", "leping", "赣", "360281"), ("长汀县", "changting", "闽", "350821"),
    ("连城县", "liancheng", "闽", "350825"), ("漳浦县", "zhangpu", "闽", "350623"), ("惠安县", "huian", "闽", "350521"),
    ("蕉岭县", "jiaoling", "粤", "441427"), ("徐闻县", "xuwen", "粤", "440825"), ("廉江市", "lianjiang", "粤", "440881"),
    ("鹤山市", "heshan", "粤", "440784"), ("灵山县", "lingshan", "桂", "450721"), ("岑溪市", "cenxi", "桂", "450481"),
    ("醴陵市", "liling", "湘", "430281"), ("浏阳市", "liuyang", "湘", "430181"), ("石门县", "shimen", "湘", "430726"),
    ("慈利县", "cili", "湘", "430821"), ("汉寿县", "hanshou", "湘", "430722"), ("宜兴市", "yixing", "苏", "320282"),
    ("桐乡市", "tongxiang", "浙", "330483"), ("义乌市", "yiwu", "浙", "330782"), ("乐清市", "yueqing", "浙", "330382"),
    ("长兴县", "changxing", "浙", "330522"), ("天台县", "tiantai", "浙", "331023"), ("歙县", "shexian", "皖", "341021"),
    ("固镇县", "guzhen", "皖", "340323"), ("颍上县", "yingshang", "皖", "341226"), ("界首市", "jieshou", "皖", "341282"),
    ("孝昌县", "xiaochang", "鄂", "420921"), ("大冶市", "daye", "鄂", "420281"), ("彭州市", "pengzhou", "川", "510182"),
    ("简阳市", "jianyang", "川", "510185"), ("宣汉县", "xuanhan", "川", "511722"), ("仁怀市", "renhuai", "黔", "520382"),
    ("弥勒市", "mile", "滇", "532504"), ("兴平市", "xingping", "陕", "610481"), ("子长市", "zichang", "陕", "610681"),
    ("神木市", "shenmu", "陕", "610881"), ("敦煌市", "dunhuang", "甘", "620982"), ("凉州区", "liangzhou", "甘", "620602"),
]

# (department, slug) — 局 / 委 / 办 / 人民政府; most contain characters with traditional forms
DEPARTMENTS = [
    ("农业农村局", "nyncj"), ("发展和改革局", "fgj"), ("教育局", "jyj"), ("财政局", "czj"),
    ("人力资源和社会保障局", "rsj"), ("自然资源和规划局", "zrzyj"), ("住房和城乡建设局", "zjj"),
    ("交通运输局", "jtj"), ("水利局", "slj"), ("商务局", "swj"), ("文化广电和旅游局", "wgl"),
    ("退役军人事务局", "tyjr"), ("应急管理局", "yjj"), ("审计局", "sjj"), ("市场监督管理局", "scjg"),
    ("统计局", "tjj"), ("医疗保障局", "ybj"), ("民政局", "mzj"), ("司法局", "sfj"),
    ("工业和信息化局", "gxj"), ("科学技术局", "kjj"), ("城市管理局", "cgj"), ("行政审批局", "spj"),
    ("林业局", "lyj"), ("体育局", "tyj"), ("卫生健康委员会", "wjw"), ("发展和改革委员会", "fgw"),
    ("民族宗教事务委员会", "mzw"), ("人民政府办公室", "zfb"), ("人民防空办公室", "rfb"), ("人民政府", "zf"),
]

_ORGS = ("commercial", "research", "public_interest", "legal_service", "other_org")
_T3_COLUMNS = ("natural_person",) + _ORGS
# relative frequency of each result among closed applications (real reports: 予以公开 and
# 本机关不掌握 dominate, most other rows are zero)
_RESULT_WEIGHTS = {
    "result.granted": 30, "result.partial": 6,
    "result.denied.state_secret": 0.3, "result.denied.law_prohibited": 0.6, "result.denied.security_stability": 0.4,
    "result.denied.third_party": 1.5, "result.denied.internal_affairs": 1.2, "result.denied.process_info": 1.8,
    "result.denied.enforcement_file": 0.6, "result.denied.admin_query": 1.5,
    "result.unable.not_held": 20, "result.unable.needs_creation": 4, "result.unable.unclear": 3,
    "result.not_processed.petition": 4, "result.not_processed.repeated": 3, "result.not_processed.publication": 0.8,
    "result.not_processed.mass_repeat": 0.4, "result.not_processed.confirm_reissue": 1,
    "result.other.no_correction": 3, "result.other.fee_unpaid": 0.3, "result.other.other": 2,
    "result.other": 5,  # the 2019 single row
}
PROFILES = ("zero", "small", "medium", "large")
_PROFILE_WEIGHTS = (30, 40, 20, 10)


# ---------------------------------------------------------------------------------------------
# random streams


def _rng(rng: RngLike) -> random.Random:
    if isinstance(rng, random.Random):
        return rng
    return random.Random(rng)


def _stream(seed: Any, name: str) -> random.Random:
    return random.Random(f"{seed}/{name}")


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _heavy(rng: random.Random, top: float) -> int:
    """A heavy-tailed count in [1, e**top]."""
    return max(1, int(math.exp(rng.uniform(0, top))))


# ---------------------------------------------------------------------------------------------
# tables


def leaf_result_rows(layout: Layout) -> list[str]:
    """The result rows whose sum is （七）总计 (21 in 2021, 19 in 2019), from the layout's equation."""
    rule = next(r for r in layout.equations if r.id == "T3-RESULT-SUM")
    inst = rule.instances[0]
    col = inst.subject
    return [term.removeprefix("t3.").removesuffix("." + col) for term in inst.rhs]


def _split(rng: random.Random, n: int, rows: list[str]) -> dict[str, int]:
    """Distribute n closed applications over the result rows (sparse for small n)."""
    out = dict.fromkeys(rows, 0)
    if n <= 0:
        return out
    weights = [_RESULT_WEIGHTS[r] for r in rows]
    if n <= 60:
        for r in rng.choices(rows, weights, k=n):
            out[r] += 1
        return out
    shares = [w * rng.gammavariate(0.7, 1.0) for w in weights]
    total = sum(shares) or 1.0
    for r, s in zip(rows, shares):
        out[r] = int(n * s / total)
    out[rows[max(range(len(rows)), key=lambda i: shares[i])]] += n - sum(out.values())
    return out


def _closed_per_column(rng: random.Random, profile: str) -> dict[str, int]:
    if profile == "zero":
        return dict.fromkeys(_T3_COLUMNS, 0)
    natural = {"small": (1, 25), "medium": (26, 400), "large": (400, 20000)}[profile]
    scale = {"small": 3, "medium": 30, "large": 800}[profile]
    org_scale = {"commercial": 1.0, "research": 0.1, "public_interest": 0.1, "legal_service": 0.3, "other_org": 0.3}
    org_p = {"commercial": 0.45, "research": 0.05, "public_interest": 0.06, "legal_service": 0.15, "other_org": 0.2}
    out = {"natural_person": rng.randint(*natural)}
    for col in _ORGS:
        out[col] = rng.randint(1, max(1, int(scale * org_scale[col]))) if _chance(rng, org_p[col]) else 0
    return out


def consistent_cells(layout_id: str, rng: RngLike = None, *, profile: str | None = None) -> dict[str, int | float]:
    """Every cell of the layout, drawn so that every equation of ``layout.equations`` holds.

    ``profile`` sets the volume of applications: "zero" (no applications, common for small
    agencies), "small", "medium", "large" (thousands); drawn when None.
    """
    layout = get_layout(layout_id)
    rng = _rng(rng)
    if profile is None:
        profile = rng.choices(PROFILES, _PROFILE_WEIGHTS)[0]
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}")
    cells: dict[str, int | float] = dict.fromkeys(layout.cells, 0)
    cells.update(_table2(layout, rng, profile))

    # 表三, column by column: results, carry-forward, carry-over, then new = closed + cf - co
    leaves = leaf_result_rows(layout)
    closed = _closed_per_column(rng, profile)
    for col in _T3_COLUMNS:
        n = closed[col]
        for row, v in _split(rng, n, leaves).items():
            cells[f"t3.{row}.{col}"] = v
        cf = rng.randint(1, max(1, n // 10)) if n and _chance(rng, 0.3) else 0
        co = rng.randint(0, min(n + cf, max(1, n // 8))) if n and _chance(rng, 0.3) else 0
        cells[f"t3.result.total.{col}"] = n
        cells[f"t3.carry_forward.{col}"] = cf
        cells[f"t3.carried_over.{col}"] = co
        cells[f"t3.new.{col}"] = n + cf - co
    for key in list(cells):
        if key.startswith("t3.") and key.endswith(".total") and key != "t3.result.total":
            row = key.removeprefix("t3.").removesuffix(".total")
            cells[key] = sum(cells[f"t3.{row}.{c}"] for c in _T3_COLUMNS)

    # 表四: each group's outcomes, total = their sum
    scale = {"zero": 1, "small": 3, "medium": 15, "large": 150}[profile]
    active = {"zero": 0.08, "small": 0.3, "medium": 0.7, "large": 0.95}[profile]
    for group, factor in (("review", 1.0), ("litigation_direct", 0.6), ("litigation_after_review", 0.4)):
        outcomes = dict.fromkeys(("upheld", "corrected", "other", "pending"), 0)
        if _chance(rng, active * factor):
            for outcome, p in (("upheld", 0.6), ("corrected", 0.2), ("other", 0.35), ("pending", 0.35)):
                if _chance(rng, p):
                    outcomes[outcome] = rng.randint(1, max(1, int(scale * factor)))
            if not any(outcomes.values()):
                outcomes["upheld"] = 1
        for outcome, v in outcomes.items():
            cells[f"t4.{group}.{outcome}"] = v
        cells[f"t4.{group}.total"] = sum(outcomes.values())
    return cells


def _table2(layout: Layout, rng: random.Random, profile: str) -> dict[str, int | float]:
    out: dict[str, int | float] = {}
    busy = {"zero": 0.4, "small": 0.6, "medium": 0.8, "large": 0.95}[profile]
    for key, spec in layout.cells.items():
        if spec.table != "t2":
            continue
        if spec.kind == "amount":
            out[key] = round(math.exp(rng.uniform(-3, 9)), 2) if _chance(rng, 0.3 * busy) else 0.0
        elif spec.kind == "signed":
            out[key] = rng.randint(-20, 60) if _chance(rng, 0.35 * busy) else 0
        elif spec.row == "regulations":
            out[key] = 0  # only 本级政府 issue 规章; filled in below for a few
        elif spec.row in ("licensing", "punishment", "coercion", "other_services") and spec.column == "decisions":
            top = {"licensing": 10, "punishment": 8, "coercion": 5, "other_services": 6}[spec.row]
            out[key] = _heavy(rng, top) if _chance(rng, busy) else 0
        else:
            out[key] = rng.randint(0, 40) if _chance(rng, 0.5 * busy) else 0
    # plausible relations between the columns of 第二十条第（一）项 (2021: made/repealed/valid;
    # 2019: new_made/new_published/total_published) and of the 2019 项目数量 columns
    for row in ("regulations", "normative_docs"):
        issue = row == "normative_docs" or _chance(rng, 0.15)
        if layout.id == "2021":
            made = rng.randint(0, 30 if row == "normative_docs" else 4) if issue else 0
            repealed = rng.randint(0, 8) if issue and _chance(rng, 0.3) else 0
            valid = made + rng.randint(0, 200 if row == "normative_docs" else 40) if issue else 0
            out.update({f"t2.art20_1.{row}.made": made, f"t2.art20_1.{row}.repealed": repealed, f"t2.art20_1.{row}.valid": valid})
        else:
            made = rng.randint(0, 60 if row == "normative_docs" else 13) if issue else 0
            published = made if _chance(rng, 0.8) else rng.randint(0, made)
            total = published + rng.randint(0, 500) if issue else 0
            out.update({f"t2.art20_1.{row}.new_made": made, f"t2.art20_1.{row}.new_published": published,
                        f"t2.art20_1.{row}.total_published": total})
    for key in [k for k in out if k.endswith(".delta")]:
        prev = key.removesuffix(".delta") + ".prev_items"
        out[prev] = rng.randint(0, 300) if _chance(rng, 0.4 * busy) or out[key] else 0
        out[key] = max(out[key], -out[prev])
    if "t2.art20_9.central_procurement.items" in out:
        items = out["t2.art20_9.central_procurement.items"]
        out["t2.art20_9.central_procurement.amount"] = round(rng.uniform(0.5, 3000), 2) if items else 0.0
    return out


# ---------------------------------------------------------------------------------------------
# equations


def equation_feasible(inst: EquationInstance, cells: dict[str, Any], blank_unknown: bool = True) -> bool:
    """Whether the equation can hold. Blank (None) cells are unknowns >= 0 (the project's rule),
    or 0 when ``blank_unknown`` is False."""
    lhs = sum(cells[k] or 0 for k in inst.lhs)
    rhs = sum(cells[k] or 0 for k in inst.rhs)
    if lhs == rhs:
        return True
    if not blank_unknown:
        return False
    lhs_open = any(cells[k] is None for k in inst.lhs)
    rhs_open = any(cells[k] is None for k in inst.rhs)
    return (lhs < rhs and lhs_open) or (rhs < lhs and rhs_open)


def broken_equations(cells: dict[str, Any], layout_id: str, blank_unknown: bool = True) -> list[EquationInstance]:
    layout = get_layout(layout_id)
    return [
        inst
        for rule in layout.equations
        for inst in rule.instances
        if not equation_feasible(inst, cells, blank_unknown)
    ]


def inject_error(report: SyntheticReport, rng: RngLike = None) -> tuple[SyntheticReport, str]:
    """A copy of ``report`` with one number of 表三 or 表四 changed so that at least one equation
    containing that cell fails even when every blank cell is read as an unknown >= 0.

    Returns (new report, changed cell key). The narrative is left as it was (it still states the
    original figures), as happens when a table is mistyped. Raises ValueError for a report whose
    blanks explain every single change (表三 and 表四 printed all blank).
    """
    rng = _rng(rng)
    layout = report.layout
    instances = [inst for rule in layout.equations for inst in rule.instances]
    by_cell: dict[str, list[EquationInstance]] = {}
    for inst in instances:
        for key in inst.cells:
            by_cell.setdefault(key, []).append(inst)
    keys = [k for k in layout.cells if k.startswith(("t3.", "t4.")) and k in by_cell]
    numeric = [k for k in keys if report.cells[k] is not None]
    blank = [k for k in keys if report.cells[k] is None]
    rng.shuffle(numeric)
    rng.shuffle(blank)
    for key in numeric + blank:
        old = report.cells[key] or 0
        step = rng.randint(1, max(1, old // 5 + 2))
        options = [old + step, old - step]
        if _chance(rng, 0.5):
            options.reverse()
        for new in options:
            if new < 0 or (new == old and report.cells[key] is not None):
                continue
            cells = dict(report.cells)
            cells[key] = new
            if any(not equation_feasible(inst, cells) for inst in by_cell[key]):
                return report.copy(cells=cells), key
    # only when 表三 and 表四 are (almost) all blank: any single change is explained by a blank
    raise ValueError("no single-cell change of this report breaks an equation (its blank cells can explain any change)")


# ---------------------------------------------------------------------------------------------
# label and title variants (format-notes §6)

_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})


def halfwidth(label: str) -> str:
    return label.translate(_HALF)


def _space_after_ordinal(label: str) -> str:
    if label.startswith(("（", "(")):
        close = "）" if label.startswith("（") else ")"
        i = label.find(close)
        return label[: i + 1] + " " + label[i + 1 :] if i > 0 else label
    return label


def _space_inside(label: str) -> str:
    return label[:2] + " " + label[2:] if len(label) == 4 else label


def _ascii_quotes(label: str) -> str:
    return label.replace("“", '"').replace("”", '"')


def _table_labels(layout: Layout) -> dict[str, list[str]]:
    """Official labels by kind, read from the layout (never retyped)."""
    t2, t3 = layout.tables["t2"], layout.tables["t3"]
    t4_outcomes = list(dict.fromkeys(c.outcome for c in t4_columns(layout)))
    return {
        "block": [b.header for b in t2.blocks if b.header],
        "t2_columns": [c.label for b in t2.blocks for c in b.columns],
        "t3_rows": [r.label for r in t3.blocks[0].rows],
        "t3_columns": [c.label for c in t3.blocks[0].columns],
        "t4_outcomes": t4_outcomes,
    }


def draw_label_variants(layout: Layout, rng: random.Random) -> dict[str, str]:
    """Harmless real-world spellings: half-width brackets, spaces inside labels, ASCII quotes.

    (Substantive variants such as 规范性文件 for 行政规范性文件 are findings; pass them explicitly.)
    """
    labels = _table_labels(layout)
    variants: dict[str, str] = {}

    def apply(names: list[str], fn) -> None:
        for name in names:
            current = variants.get(name, name)
            new = fn(current)
            if new != name:
                variants[name] = new

    if _chance(rng, 0.25):
        apply(labels["block"] + labels["t2_columns"] + labels["t3_rows"], halfwidth)
        if _chance(rng, 0.5):
            apply([r for r in labels["t3_rows"] if r.startswith("（")], _space_after_ordinal)
    if _chance(rng, 0.15):
        apply(labels["t3_columns"] + labels["t4_outcomes"], _space_inside)
    if _chance(rng, 0.1):
        apply([r for r in labels["t3_rows"] if "“" in r], _ascii_quotes)
    return variants


def draw_section_titles(layout: Layout, rng: random.Random) -> dict[str, str]:
    titles = {}
    for key in ("s4", "s5"):
        variants = layout.section(key).variants
        if variants and _chance(rng, 0.08):
            titles[key] = rng.choice(variants)
    return titles


# ---------------------------------------------------------------------------------------------
# agency, dates, site


def _agency(rng: random.Random) -> dict[str, Any]:
    place, pslug, prov, code = rng.choice(PLACES)
    dept, dslug = rng.choice(DEPARTMENTS)
    level = place[-1]  # 县 | 区 | 市
    agency = place + dept
    if dept == "人民政府":
        self_ref = level + "政府"
    elif dept.endswith("委员会"):
        self_ref = rng.choice(["我委", "本机关", level + dept])
    elif dept.endswith("办公室"):
        self_ref = rng.choice(["我办", "本机关", level + dept])
    else:
        self_ref = rng.choice(["我局", "本机关", level + dept])
    portal = place + "人民政府"
    own_site = dept not in ("人民政府", "人民政府办公室") and _chance(rng, 0.35)
    site_name = agency if own_site else portal
    domain = f"{dslug}.{pslug}.gov.cn" if own_site else f"www.{pslug}.gov.cn"
    digits = random.Random(f"{agency}/numbers")
    site = SiteInfo(
        name=site_name,
        domain=domain,
        column=rng.choice(["政府信息公开年报", "政府信息公开工作年度报告", "年度报告"]),
        icp=f"{prov}ICP备{digits.randint(5000000, 19999999):08d}号-{digits.randint(1, 3)}",
        site_code=f"{code[:4]}{digits.randint(0, 999999):06d}",
        police_record=f"{prov}公网安备 {code}{digits.randint(2000000, 2099999):08d}号",
        index_number=f"{digits.randint(10000000, 99999999):09d}",
        host=place + "人民政府办公室",
        address=f"{place}{rng.choice(['人民路', '建设路', '政府街', '府前路', '行政中心路'])}{digits.randint(1, 300)}号",
        postcode=f"{code[:3]}{digits.randint(0, 999):03d}",
        phone=f"0{digits.randint(310, 939)}-{digits.randint(2000000, 8999999)}",
    )
    return {
        "agency": agency, "place": place, "dept": dept, "level": level, "self": self_ref,
        "government": dept == "人民政府", "site": site, "slug": f"{pslug}-{dslug}",
    }


def _published(rng: random.Random, year: int, government: bool) -> date:
    start = date(year + 1, 1, 5)
    end = date(year + 1, 3, 31) if government else date(year + 1, 1, 31)
    return start + timedelta(days=rng.randint(0, (end - start).days))


# ---------------------------------------------------------------------------------------------
# narrative

_OPENINGS = [
    "{year}年，{self}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》），围绕中心工作，持续深化政务公开，不断提高政府工作透明度。",
    "{year}年，在{level}委、{level}政府的正确领导下，{self}严格落实《条例》和上级关于政务公开工作的部署要求，坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。",
    "{year}年，{self}深入贯彻党中央、国务院关于全面推进政务公开的决策部署，以人民群众需求为导向，着力提升政府信息公开的质量和实效。",
]
_ACTIVE = [
    "{year}年，{self}通过{site}主动公开政府信息{info}条，其中制发{doc_label}{made}件，公开行政许可决定{lic}件、行政处罚决定{pun}件。",
    "全年累计主动公开各类政府信息{info}条，制发{doc_label}{made}件；同步发布政策解读{interp}篇，做到政策文件与解读材料同步起草、同步审签、同步发布。",
    "坚持“以公开为常态、不公开为例外”原则，本年度在{site}发布信息{info}条，其中{doc_label}{made}件，行政许可决定{lic}件。",
]
_MANAGEMENT = [
    "严格落实公文公开属性源头认定机制，拟制公文时明确公开属性，随公文一并报批；严格执行“三审三校”制度，确保发布信息准确、规范。",
    "按照“谁公开、谁审查，谁审查、谁负责”原则，落实信息发布保密审查制度，对{doc_label}开展全面清理，及时更新现行有效文件目录。",
    "动态调整主动公开基本目录，规范政府信息公开指南，健全依申请公开登记、审核、办理、答复、归档全流程管理。",
]
_PLATFORM = [
    "持续加强{site}信息公开专栏建设，优化栏目设置，及时更新机构职能、政策文件、财政预决算等信息；规范政务新媒体管理，全年通过政务新媒体发布信息{media}条。",
    "依托政府门户网站集约化平台，完善政策文件库建设，提升检索、查阅便捷性；在政务服务大厅设立政务公开专区，为群众提供信息查询服务。",
    "以政府网站为第一平台，统筹运用政务微信、微博等新媒体渠道，拓宽公开渠道，全年开展线上政策解读活动{events}次。",
]
_SUPERVISION = [
    "将政务公开工作纳入年度目标考核，定期开展自查自纠，组织信息公开业务培训{training}次；全年未发生因政府信息公开工作引发的责任追究情况。",
    "成立由主要负责同志任组长的政务公开工作领导小组，明确专人负责，主动接受社会监督，畅通意见反馈渠道；本年度未发生政府信息公开工作责任追究情况。",
]
_PROBLEMS = [
    "政策解读形式较为单一，图文、视频等多元化解读运用不足",
    "主动公开的深度和广度有待拓展，部分栏目更新不够及时",
    "工作人员业务能力有待提升，对《条例》的理解把握还不够精准",
    "依申请公开答复的规范化水平仍需提高",
    "基层政务公开标准化规范化建设推进不够平衡",
]
_MEASURES = [
    "加强业务培训，组织工作人员深入学习《条例》，提升依法公开能力",
    "丰富政策解读形式，综合运用图解、短视频、在线访谈等方式开展解读",
    "加大重点领域信息公开力度，及时更新栏目内容，清理信息噪音",
    "规范依申请公开办理流程，严格答复文书格式，提高答复质量",
    "健全考核监督机制，将政务公开纳入年度绩效考核，压实工作责任",
]
_SUBHEADINGS = {
    "active": ["（一）主动公开", "（一）主动公开情况", "（一）主动公开方面"],
    "request": ["（二）依申请公开", "（二）依申请公开情况", "（二）依申请公开方面"],
    "management": ["（三）政府信息管理", "（三）政府信息管理情况", "（三）政府信息管理方面"],
    "platform": ["（四）政府信息公开平台建设", "（四）政府信息公开平台建设情况"],
    "supervision": ["（五）监督保障", "（五）监督保障情况", "（五）监督保障方面"],
}


def _t3_row_total(report_cells: dict[str, Any], rows: list[str]) -> int:
    return sum(report_cells.get(f"t3.{r}.total") or 0 for r in rows)


def _request_text(cells: dict[str, Any], layout: Layout, ctx: dict[str, Any], rng: random.Random) -> str:
    new = cells["t3.new.total"] or 0
    carried = cells["t3.carried_over.total"] or 0
    closed = cells["t3.result.total.total"] or 0
    forward = cells["t3.carry_forward.total"] or 0
    if new == 0 and carried == 0:
        return rng.choice([
            f"本年度{ctx['self']}未收到政府信息公开申请。",
            f"{ctx['year']}年度，{ctx['self']}共收到政府信息公开申请0件。",
        ])
    leaves = leaf_result_rows(layout)
    groups = [
        ("予以公开", ["result.granted"]),
        ("部分公开", ["result.partial"]),
        ("不予公开", [r for r in leaves if r.startswith("result.denied.")]),
        ("无法提供", [r for r in leaves if r.startswith("result.unable.")]),
        ("不予处理", [r for r in leaves if r.startswith("result.not_processed.")]),
        ("其他处理", [r for r in leaves if r.startswith("result.other")]),
    ]
    parts = [f"{name}{_t3_row_total(cells, rows)}件" for name, rows in groups if _t3_row_total(cells, rows)]
    text = f"本年度共收到政府信息公开申请{new}件，上年结转{carried}件，办结{closed}件，结转下年度继续办理{forward}件。"
    if parts:
        text += "在办结的申请中，" + "，".join(parts) + "。"
    natural = cells["t3.new.natural_person"] or 0
    if natural != new and _chance(rng, 0.6):
        text += f"从申请主体看，自然人申请{natural}件，法人或其他组织申请{new - natural}件。"
    return text


def _litigation_text(cells: dict[str, Any]) -> str:
    review = cells["t4.review.total"] or 0
    lawsuits = (cells["t4.litigation_direct.total"] or 0) + (cells["t4.litigation_after_review.total"] or 0)
    if review == 0 and lawsuits == 0:
        return "全年未发生因政府信息公开工作引起的行政复议、行政诉讼案件。"
    return f"全年因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{lawsuits}件。"


def _doc_row(layout: Layout) -> tuple[str, str]:
    """(cell key of this year's 规范性文件 count, printed row label) from the layout."""
    block = layout.tables["t2"].blocks[0]
    row = block.rows[1]
    return f"t2.{block.key}.{row.key}.{block.columns[0].key}", row.label


def make_narrative(layout: Layout, cells: dict[str, Any], ctx: dict[str, Any], fee: dict[str, int], rng: random.Random) -> dict[str, str]:
    doc_key, doc_label = _doc_row(layout)
    values = {
        **ctx,
        "site": ctx["site"].name + "门户网站",
        "doc_label": doc_label,
        "made": cells[doc_key] or 0,
        "lic": cells["t2.art20_5.licensing.decisions"] or 0,
        "pun": cells["t2.art20_6.punishment.decisions"] or 0,
        "info": rng.randint(50, 3000),
        "interp": rng.randint(1, 40),
        "media": rng.randint(20, 2000),
        "events": rng.randint(1, 12),
        "training": rng.randint(1, 6),
    }
    fill = lambda pool: rng.choice(pool).format(**values)  # noqa: E731
    s1 = [
        fill(_OPENINGS),
        rng.choice(_SUBHEADINGS["active"]), fill(_ACTIVE),
        rng.choice(_SUBHEADINGS["request"]), _request_text(cells, layout, ctx, rng),
        rng.choice(_SUBHEADINGS["management"]), fill(_MANAGEMENT),
        rng.choice(_SUBHEADINGS["platform"]), fill(_PLATFORM),
        rng.choice(_SUBHEADINGS["supervision"]), fill(_SUPERVISION) + _litigation_text(cells),
    ]
    problems = rng.sample(_PROBLEMS, 2)
    measures = rng.sample(_MEASURES, 3)
    s5 = []
    if layout.id == "2021":
        s5 += ["（一）上年度问题整改情况",
               f"针对上年度报告中提出的“{rng.choice(_PROBLEMS)}”问题，{ctx['self']}制定整改措施，明确责任人和完成时限，相关问题已整改到位。"]
    n = len(s5) // 2
    ordinal = "一二三"
    s5 += [f"（{ordinal[n]}）存在的主要问题", f"一是{problems[0]}；二是{problems[1]}。",
           f"（{ordinal[n + 1]}）改进措施", f"一是{measures[0]}；二是{measures[1]}；三是{measures[2]}。"]
    if layout.id == "2021":
        if fee["notices"]:
            s6 = [f"本年度{ctx['self']}共发出收费通知{fee['notices']}件，总金额{fee['amount']}元，实际收取信息处理费{fee['collected']}元。"]
        else:
            s6 = [rng.choice([
                f"本年度{ctx['self']}未收取信息处理费。",
                f"{ctx['year']}年度{ctx['self']}未发出收费通知，未收取信息处理费。",
                "本年度未收取信息处理费。发出收费通知的件数和总金额以及实际收取的总金额均为0。",
            ])]
        if _chance(rng, 0.5):
            s6.append(rng.choice([
                f"{ctx['self']}认真落实{ctx['year']}年政务公开工作要点，人大代表建议和政协提案办理结果已按规定公开。",
                "无其他需要报告的事项。",
            ]))
    else:
        s6 = [rng.choice(["无。", "本年度无其他需要报告的事项。", f"本年度{ctx['self']}未收取政府信息公开相关费用。"])]
    return {"s1": "\n".join(s1), "s5": "\n".join(s5), "s6": "\n".join(s6)}


def _fees(cells: dict[str, Any], rng: random.Random) -> dict[str, int]:
    unpaid = cells.get("t3.result.other.fee_unpaid.total") or 0
    if unpaid or _chance(rng, 0.05):
        notices = unpaid + (rng.randint(0, 3) if _chance(rng, 0.5) else 0) or 1
        amounts = [rng.randint(1, 60) * 50 for _ in range(notices)]
        return {"notices": notices, "amount": sum(amounts), "collected": sum(amounts[unpaid:])}
    return {"notices": 0, "amount": 0, "collected": 0}


def _preamble(layout: Layout, ctx: dict[str, Any], rng: random.Random) -> str:
    year, site = ctx["year"], ctx["site"]
    basis = "《中华人民共和国政府信息公开条例》（以下简称《条例》）"
    if layout.id == "2021" and _chance(rng, 0.6):
        basis += f"和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{layout.document_number}）"
    parts = [
        f"本报告根据{basis}要求编制，由{ctx['agency']}负责编写。",
        f"本报告所列数据的统计期限为{year}年1月1日至12月31日。",
        f"本报告电子版可在“{site.name}”网站（{site.domain}）查阅或下载。",
    ]
    if _chance(rng, 0.7):
        parts.append(f"如对本报告有疑问，请与{ctx['agency']}联系（地址：{site.address}，邮编：{site.postcode}，电话：{site.phone}）。")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# the report


_KEPT_TOTALS = ("t3.new.total", "t3.carried_over.total", "t3.result.total.total", "t3.carry_forward.total", "t4.review.total")


def apply_blanks(cells: dict[str, Any], style: str) -> dict[str, Any]:
    """Print zero cells blank: "org" = the five 法人或其他组织 columns of 表三 (沭阳 2023 style),
    "zeros" = the zeros of 表三 and 表四 except the headline totals (上海 2019 style: 一、二、
    （七）、四 总计 and 行政复议总计 printed), "none"."""
    if style == "none":
        return dict(cells)
    out = dict(cells)
    for key, v in cells.items():
        if v != 0 or not key.startswith(("t3.", "t4.")) or key in _KEPT_TOTALS:
            continue
        if style == "zeros" or (style == "org" and key.startswith("t3.") and key.rsplit(".", 1)[1] in _ORGS):
            out[key] = None
    return out


def make_report(layout_id: str = "2021", seed: int = 0, *, variety: bool = True, profile: str | None = None,
                blanks: str | None = None, **overrides: Any) -> SyntheticReport:
    """A consistent synthetic report.

    ``variety`` draws presentation variants from the seed (label spellings, blank cells and
    markers, Word markup, page footers, traditional characters, encodings); with ``variety=False``
    the report prints official labels and titles, every cell as a number, UTF-8, plain markup.
    ``profile`` is the application volume (see :func:`consistent_cells`); ``blanks`` one of
    "none" | "org" | "zeros" (see :func:`apply_blanks`). Any other keyword replaces the field of
    :class:`SyntheticReport` of that name (``cells`` given → the narrative quotes those cells).
    """
    layout = get_layout(layout_id)
    years = range(layout.first_year, (layout.last_year or 2025) + 1)
    ctx = _agency(_stream(seed, "agency"))
    for name in ("agency", "site", "slug"):
        if name in overrides:
            ctx[name] = overrides[name]
    if "agency" in overrides and "self" not in overrides:
        ctx["self"] = "本机关"
    year = overrides.get("year", _stream(seed, "year").choice(years))
    ctx["year"] = year

    look = _stream(seed, "look")
    if blanks is None:
        blanks = look.choices(["none", "org", "zeros"], [70, 15, 15])[0] if variety else "none"
    presentation = {
        "blank_marker": look.choices(BLANK_MARKERS, [70, 12, 12, 6])[0] if variety else "",
        "word_markup": _chance(look, 0.4) if variety else False,
        "span_quirk": _chance(look, 0.5) if variety and layout_id == "2019" else False,
        "pubdate_meta": _chance(look, 0.7),
        "page_footers": _chance(look, 0.4) if variety else False,
        "traditional": _chance(look, 0.05) if variety else False,
        "encoding": look.choices(["utf-8", "utf-8-sig", "gb18030"], [80, 5, 15])[0] if variety else "utf-8",
        "style_seed": look.randint(0, 2**31 - 1),
        "label_variants": draw_label_variants(layout, _stream(seed, "labels")) if variety else {},
        "section_titles": draw_section_titles(layout, _stream(seed, "titles")) if variety else {},
    }
    presentation["wrap_width"] = look.randint(30, 38) if presentation["page_footers"] and _chance(look, 0.5) else 0

    if "cells" in overrides:
        cells = overrides["cells"]
    else:
        cells = apply_blanks(consistent_cells(layout_id, _stream(seed, "cells"), profile=profile), blanks)
    fee = _fees(cells, _stream(seed, "fees")) if layout_id == "2021" else {"notices": 0, "amount": 0, "collected": 0}
    narrative = make_narrative(layout, cells, ctx, fee, _stream(seed, "narrative"))
    text_rng = _stream(seed, "text")
    published = _published(text_rng, year, ctx["government"])
    title_style = text_rng.choices(["{a}{y}年政府信息公开工作年度报告", "{y}年{a}政府信息公开工作年度报告",
                                    "{a}{y}年度政府信息公开工作年度报告", "{a}{y}年政府信息公开年度报告"], [60, 20, 12, 8])[0]
    fields: dict[str, Any] = {
        "layout_id": layout_id,
        "agency": ctx["agency"],
        "year": year,
        "cells": cells,
        "narrative": narrative,
        "published": published.isoformat(),
        "title": title_style.format(a=ctx["agency"], y=year),
        "preamble": _preamble(layout, ctx, text_rng),
        "slug": ctx["slug"],
        "site": ctx["site"],
        "fee_notices": fee["notices"],
        "fee_notice_amount": fee["amount"],
        "fee_collected": fee["collected"],
        **presentation,
    }
    fields.update(overrides)
    return SyntheticReport(**fields)
