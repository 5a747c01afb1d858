"""Identity from where a report names itself: every unit kind and region shape of the field,
the dev reports in every format, a hospital that cites another office, and a blank template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.extract import document_text, extract_report
from etl.extract.identity import read_identity
from etl.model import InputError
from etl.readers import read_document
from etl.units import short_region
from etl.vocab import regions
from etl.vocab.unit_kinds import unit_types

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "fixtures" / "dev"
TEMPLATE = ROOT / "tests" / "fixtures" / "templates" / "上海市部门决算模板_2024.pdf"

# (name as on the cover, unit type, short name, region, city, province)
UNITS = [
    ("中共乐山市金口河区委政法委员会", "党委部门", "区委政法委", "金口河区", "乐山市", "四川省"),
    ("中共峨边彝族自治县委组织部", "党委部门", "县委组织部", "峨边彝族自治县", "乐山市", "四川省"),
    ("中共双牌县纪律检查委员会", "党委部门", "县纪委", "双牌县", "永州市", "湖南省"),
    ("上海市普陀区财政局", "政府部门", "区财政局", "普陀区", None, "上海市"),
    ("上海市普陀区规划和自然资源局", "政府部门", "区规划和自然资源局", "普陀区", None, "上海市"),
    ("北京市海淀区教育委员会", "政府部门", "区教育委", "海淀区", None, "北京市"),
    ("峨边彝族自治县人民政府办公室", "政府部门", "县政府办", "峨边彝族自治县", "乐山市", "四川省"),
    ("四川省财政厅", "政府部门", "省财政厅", None, None, "四川省"),
    ("乐山市财政局", "政府部门", "市财政局", None, "乐山市", "四川省"),
    ("上海市普陀区长寿路街道办事处", "街道", "长寿路街道办", "普陀区", None, "上海市"),
    ("双牌县江村镇人民政府", "乡镇", "江村镇政府", "双牌县", "永州市", "湖南省"),
    ("峨边彝族自治县人民医院", "医院", "县人民医院", "峨边彝族自治县", "乐山市", "四川省"),
    ("双牌县第一中学", "学校", "县第一中学", "双牌县", "永州市", "湖南省"),
    ("重庆市渝中区实验幼儿园", "学校", "区实验幼儿园", "渝中区", None, "重庆市"),
    ("安居区疾病预防控制中心", "事业单位", "区疾病预防控制中心", "安居区", "遂宁市", "四川省"),
    ("锡林郭勒盟正蓝旗财政局", "政府部门", "旗财政局", "正蓝旗", "锡林郭勒盟", "内蒙古自治区"),
    ("平潭综合实验区交通与建设局", "政府部门", "区交通与建设局", "平潭综合实验区", "福州市", "福建省"),
    ("双牌县总工会", "人民团体", "县总工会", "双牌县", "永州市", "湖南省"),
    ("双牌县妇女联合会", "人民团体", "县妇联", "双牌县", "永州市", "湖南省"),
    ("双牌县人民法院", "法院", "县法院", "双牌县", "永州市", "湖南省"),
    ("上海市浦东新区卫生健康委员会", "政府部门", "区卫生健康委", "浦东新区", None, "上海市"),
    ("成都高新技术产业开发区财政金融局", "政府部门", "区财政金融局", "成都高新技术产业开发区", "成都市", "四川省"),
    ("凉山彝族自治州昭觉县财政局", "政府部门", "县财政局", "昭觉县", "凉山彝族自治州", "四川省"),
    ("峨眉山市教育局", "政府部门", "市教育局", "峨眉山市", "乐山市", "四川省"),
    ("双牌县纪委监委", "党委部门", "县纪委监委", "双牌县", "永州市", "湖南省"),
    ("中共双牌县委机构编制委员会办公室", "党委部门", "县委编办", "双牌县", "永州市", "湖南省"),
    ("中国人民政治协商会议安居区委员会", "政协", "区政协", "安居区", "遂宁市", "四川省"),
    ("共青团双牌县委员会", "人民团体", "县团委", "双牌县", "永州市", "湖南省"),
]  # fmt: skip


def _final(cover: str, body: str = "") -> str:
    return f"{cover}\n2024年度部门决算\n目录\n第一部分部门概况\n第二部分2024年度部门决算情况说明\n{body}"


@pytest.mark.parametrize("name,kind,short,region,city,province", UNITS)
def test_every_unit_kind_and_region_shape_from_the_cover(name, kind, short, region, city, province):
    ident = read_identity(_final(name))
    got = (ident.unit_name, ident.unit_type, ident.unit_short, ident.region, ident.city)
    assert got == (name, kind, short, region, city)
    assert (ident.province, ident.fiscal_year, ident.doc_kind) == (province, 2024, "决算")
    assert kind in unit_types()


@pytest.mark.parametrize("name,kind,short,region,city,province", UNITS[:6])
def test_a_table_label_names_the_unit_when_there_is_no_cover(
    name, kind, short, region, city, province
):
    text = f"第一部分部门概况\n2024年度部门决算情况说明\n编制单位：{name}\t单位：万元\n项目\t决算数"
    ident = read_identity(text)
    assert (ident.unit_name, ident.unit_type, ident.region, ident.city) == (
        name,
        kind,
        region,
        city,
    )


def test_a_report_that_cites_another_office_more_often_is_still_its_own():
    cited = "按照峨边彝族自治县人民政府办公室要求，"
    body = "\n".join([cited + "完成工作。"] * 12)
    ident = read_identity(_final("峨边彝族自治县人民医院", body))
    assert (ident.unit_name, ident.unit_type) == ("峨边彝族自治县人民医院", "医院")


def test_the_text_s_own_abbreviation_is_the_short_name():
    body = "\n".join(["区委绩效办2024年度支出情况如下。"] * 3)
    ident = read_identity(_final("中共遂宁市安居区委目标绩效管理办公室", body))
    assert ident.unit_short == "区委绩效办"


def test_a_short_name_the_report_defines_for_itself_is_used():
    body = "平潭综合实验区交通与建设局（简称区交建局）是实验区管委会工作部门。"
    ident = read_identity(_final("平潭综合实验区交通与建设局", body))
    assert (ident.unit_short, ident.region, ident.city) == ("区交建局", "平潭综合实验区", "福州市")
    assert short_region("平潭综合实验区") == "平潭"
    # a defined short name longer than the rule's (（简称县委办公室）) does not replace 县委办
    body = "中共双牌县委办公室（简称县委办公室）是县委工作机关。"
    assert read_identity(_final("中共双牌县委办公室", body)).unit_short == "县委办"


def test_an_ambiguous_district_is_placed_only_when_the_text_says_where():
    assert regions.resolve(["普陀区"]).city is None
    assert regions.resolve(["普陀区"]).province is None
    assert regions.resolve(["普陀区"], "舟山市普陀区……舟山市").city == "舟山市"
    assert regions.resolve(["普陀区"], "上海市普陀区……上海市").province == "上海市"


def test_short_region_strips_level_and_ethnic_words():
    assert short_region("峨边彝族自治县") == "峨边"
    assert short_region("乐山市金口河区") == "金口河"
    assert short_region("黔南布依族苗族自治州") == "黔南"


def test_the_blank_template_is_refused_with_its_own_line():
    with pytest.raises(InputError, match="空白模板.*上海市XX局"):
        extract_report(read_document(TEMPLATE))


def test_a_text_naming_no_unit_of_its_own_is_refused():
    with pytest.raises(InputError, match="未找到报告自称的单位名称"):
        read_identity("2024年度部门决算情况说明\n本年收入合计100万元。")


@pytest.mark.parametrize("fmt", ["pdf", "docx", "txt"])
@pytest.mark.parametrize("stem", sorted(p.stem for p in (DEV / "expected").glob("*.json")))
def test_dev_reports_identity(stem, fmt):
    exp = json.loads((DEV / "expected" / f"{stem}.json").read_text(encoding="utf-8"))
    ident = read_identity(document_text(read_document(DEV / fmt / f"{stem}.{fmt}")))
    got = (ident.unit_name, ident.unit_short, ident.region, ident.city)
    assert got == (exp["unit_name"], exp["unit_short"], exp["region"], exp["city"])
    assert (ident.fiscal_year, ident.doc_kind) == (exp["fiscal_year"], exp["doc_kind"])
