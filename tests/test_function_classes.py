"""Official 功能分类 class names: a report's misspelt or short class maps to its official class."""

from etl.vocab.functions import list_year, official_class, official_classes


def test_official_list_has_every_class_with_its_year():
    classes = official_classes()
    assert list_year() == 2024
    assert classes["201"] == "一般公共服务支出"
    assert classes["207"] == "文化旅游体育与传媒支出"
    assert all(len(code) == 3 for code in classes)


def test_misspelt_class_maps_by_closest_name():
    # 金口河's report writes 一般公共预算服务支出 for 一般公共服务支出
    assert official_class("一般公共预算服务支出") == "一般公共服务支出"
    assert official_class("社会保障与就业支出") == "社会保障和就业支出"


def test_short_class_and_code_map_to_official_name():
    assert official_class("教育") == "教育支出"
    assert official_class("随便写的名字", "20501") == "教育支出"


def test_unlike_name_is_kept_as_stated():
    assert official_class("其他项目") == "其他项目"
    assert official_class("公共安全支出") == "公共安全支出"
