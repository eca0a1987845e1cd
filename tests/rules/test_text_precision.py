"""Precision of the text rules: no finding where the numbers allow a valid reading.

A narrative count may count what the table holds in more than one way: 收到申请 N 件 as 一 alone or
as 一 + 二 (the corner note of 表三 adds them); 办理申请 N 件 as 三 + 四, 一 + 二 or 三; 予以公开 N 件
with or without 部分公开; 不予公开 N 件 as the sum of its rows. Each valid reading is silent; a count
no reading gives is still a contradiction, and it still quotes its sentence. Improvement measures
are recognised in their common phrasings (针对上述问题，…一是…).
"""

from __future__ import annotations

import re

import pytest

from xxgk_audit import audit, load_report

synth_generate = pytest.importorskip("synth.generate")
synth_render = pytest.importorskip("synth.render")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated report whose 表三 has applications carried over, and its text."""
    for seed in range(40):
        synthetic = synth_generate.make_report("2021", seed, variety=False, profile="medium")
        cells = synthetic.cells
        if cells["t3.carried_over.total"] and cells["t3.carry_forward.total"] and cells["t3.result.partial.total"]:
            path = synth_render.write(synthetic, "txt", tmp_path_factory.mktemp("text"), name="base")
            return cells, path.read_text(encoding="utf-8")
    pytest.fail("no generated report with applications carried over")


def _with_sentence(text: str, sentence: str) -> str:
    """The report with ``sentence`` as the first paragraph of 总体情况 (its own figures removed,
    so that only the sentence under test speaks)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().endswith("总体情况"))
    end = next(i for i, line in enumerate(lines) if i > start and line.strip().startswith("二、"))
    body = [re.sub(r"\d+件", "若干件", line) for line in lines[start + 1 : end]]
    return "\n".join(lines[: start + 1] + [sentence] + body + lines[end:])


def _text_findings(tmp_path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return audit(load_report(path)).by_rule("TEXT-VS-TABLE")


def _total(cells, *rows: str) -> int:
    return sum(cells[f"t3.{row}.total"] for row in rows)


READINGS = [
    ("本年度共收到政府信息公开申请{n}件。", ("new",)),  # 一
    ("本年度共收到政府信息公开申请{n}件。", ("new", "carried_over")),  # 一 + 二
    ("全年共办理政府信息公开申请{n}件。", ("result.total", "carry_forward")),  # 三 + 四
    ("全年共办理政府信息公开申请{n}件。", ("result.total",)),  # 三
    ("对申请予以公开{n}件。", ("result.granted",)),
    ("对申请予以公开{n}件。", ("result.granted", "result.partial")),  # 予以公开 including 部分公开
    ("本年度办结政府信息公开申请{n}件。", ("result.total",)),
    ("结转下年度继续办理的申请{n}件。", ("carry_forward",)),
]


@pytest.mark.parametrize("sentence, rows", READINGS, ids=[f"{s[:6]}={'+'.join(r)}" for s, r in READINGS])
def test_a_count_that_fits_a_valid_reading_is_no_contradiction(generated, tmp_path, sentence, rows):
    cells, text = generated
    assert _text_findings(tmp_path, _with_sentence(text, sentence.format(n=_total(cells, *rows)))) == []


@pytest.mark.parametrize("sentence, rows", READINGS, ids=[f"{s[:6]}={'+'.join(r)}" for s, r in READINGS])
def test_a_count_no_reading_gives_is_a_contradiction_that_quotes_its_sentence(generated, tmp_path, sentence, rows):
    cells, text = generated
    wrong = 1 + sum(cells[f"t3.{row}.total"] for row in ("new", "carried_over", "result.total", "carry_forward"))
    said = sentence.format(n=wrong)
    found = _text_findings(tmp_path, _with_sentence(text, said))
    assert len(found) == 1 and found[0].locations[0].text == said


def test_the_sum_of_a_group_is_its_reading(generated, tmp_path):
    cells, text = generated
    denied = sum(v for k, v in cells.items() if k.startswith("t3.result.denied.") and k.endswith(".total"))
    assert _text_findings(tmp_path, _with_sentence(text, f"不予公开{denied}件。")) == []


OTHER_PERIODS = [
    "{prior}年收到政府信息公开申请{m}件，{year}年收到政府信息公开申请{n}件。",
    "{prior}年，共收到政府信息公开申请{m}件；本年度共收到政府信息公开申请{n}件。",
    "上年度收到政府信息公开申请{m}件，本年度收到政府信息公开申请{n}件。",
    "本年度共收到政府信息公开申请{n}件，去年同期收到政府信息公开申请{m}件。",
    "{prior}年度发生行政复议{m}件，本年度发生行政复议{r}件。",
]


@pytest.mark.parametrize("sentence", OTHER_PERIODS)
def test_a_figure_of_another_year_is_no_claim_about_this_one(generated, tmp_path, sentence):
    """Reports compare with the year before ("2022年收到申请115件，2023年…"): the earlier figure is
    not this year's, while this year's figure in the same sentence is still compared."""
    cells, text = generated
    year = int(re.search(r"(20\d\d)年", text.split("\n", 1)[0]).group(1))  # the title's year
    review = cells["t4.review.total"]
    said = sentence.format(prior=year - 1, year=year, m=_total(cells, "new") + 17, n=_total(cells, "new"), r=review)
    assert _text_findings(tmp_path, _with_sentence(text, said)) == []
    wrong = said.replace(f"申请{_total(cells, 'new')}件", f"申请{_total(cells, 'new') + 3}件").replace(f"复议{review}件", f"复议{review + 3}件")
    found = _text_findings(tmp_path, _with_sentence(text, wrong))
    said_wrong = f"{_total(cells, 'new') + 3}件" if "申请" in sentence else f"{review + 3}件"
    assert len(found) == 1 and found[0].locations[0].text in wrong and said_wrong in found[0].message


MEASURES = [
    "针对上述问题，我局将从以下方面加以改进：一是加强业务培训，二是完善审核机制。",
    "下一步，我局将持续深化政务公开，提升信息发布质量。",
    "2024年，我局将进一步加大主动公开力度。",
    "明年重点做好政策解读工作，健全信息发布审核机制。",
    "对此，我们要强化队伍建设，规范依申请公开办理流程。",
]


@pytest.mark.parametrize("measures", MEASURES)
def test_improvement_measures_in_their_common_phrasings(tmp_path, measures):
    from helpers import sample_text

    text = sample_text()
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "五、存在的主要问题及改进情况" in line)
    end = next(i for i, line in enumerate(lines) if "六、其他需要报告的事项" in line)
    problems = "工作中存在的主要问题是信息公开时效性有待加强，政策解读形式较为单一。"
    varied = "\n".join(lines[: start + 1] + ["", problems, measures, ""] + lines[end:])
    path = tmp_path / "report.txt"
    path.write_text(varied, encoding="utf-8")
    assert audit(load_report(path)).by_rule("S5-THIN") == []
    path.write_text("\n".join(lines[: start + 1] + ["", problems, ""] + lines[end:]), encoding="utf-8")
    assert [f.subject for f in audit(load_report(path)).by_rule("S5-THIN")] == ["no-measures"]


COVERAGE = [  # 总体情况 in other words than the format's five headings: each aspect is still addressed
    "本局通过门户网站和政务新媒体主动公开信息120条；依申请公开工作规范有序；严格落实信息发布审核制度；"
    "加强组织领导，成立领导小组，定期开展督查。",
    "主动公开方面，及时发布政策文件；依申请办理方面，按时答复；规范公开目录；公开专栏及时更新；强化考核评议。",
]


@pytest.mark.parametrize("overview", COVERAGE)
def test_the_five_aspects_in_other_words(tmp_path, overview):
    from helpers import sample_text

    lines = sample_text().split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().endswith("一、总体情况"))
    end = next(i for i, line in enumerate(lines) if "二、主动公开政府信息情况" in line)
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines[: start + 1] + ["", overview, ""] + lines[end:]), encoding="utf-8")
    assert audit(load_report(path)).by_rule("S1-COVERAGE") == []


FEES = ["本年度未收取信息处理费。", "2023年未产生政府信息公开处理费。", "本机关未向申请人收费。", "全年没有收取任何信息公开费用。"]


@pytest.mark.parametrize("statement", FEES)
def test_the_fee_statement_in_its_common_phrasings(tmp_path, statement):
    from helpers import sample_text

    lines = sample_text().split("\n")
    start = next(i for i, line in enumerate(lines) if "六、其他需要报告的事项" in line)
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines[: start + 1] + ["", statement, ""]), encoding="utf-8")
    assert audit(load_report(path)).by_rule("S6-FEE-STATEMENT") == []


TEXT_RULES = ("TEXT-VS-TABLE", "S1-COVERAGE", "S5-THIN", "S6-FEE-STATEMENT", "T3-FEE-VS-S6")


def _mirror_pinyin(text: str) -> str:
    """A mirror site's copy: pinyin inserted after the characters of a few frequent words."""
    for word, pinyin in (("公开", "gong kai"), ("申请", "shen qing"), ("信息", "xin xi")):
        text = text.replace(word, "".join(f"{ch}({p})" for ch, p in zip(word, pinyin.split())))
    return text


def _mirror_traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


@pytest.mark.parametrize("mirror", [_mirror_pinyin, _mirror_traditional], ids=["pinyin", "traditional"])
def test_a_mirror_sites_copy_reads_as_the_original(tmp_path, mirror):
    from helpers import sample_text

    def text_findings(text: str) -> list[tuple[str, str | None]]:
        path = tmp_path / "report.txt"
        path.write_text(text, encoding="utf-8")
        return sorted((f.rule, f.subject) for f in audit(load_report(path)).findings if f.rule in TEXT_RULES)

    original = sample_text()
    assert mirror(original) != original
    assert text_findings(mirror(original)) == text_findings(original)
