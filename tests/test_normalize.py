from __future__ import annotations

from nianbao.readers.normalize import key, normalize_text
from nianbao.readers.text import read_text


def test_offsets_map_back_to_the_original():
    original = "# 標題\n規(guī)範(fàn)性文件\t１２\u00a0\u200b件\n**一是**好[bookmark: _GoBack]了\n— 3 —\n尾"
    n = normalize_text(original)
    assert n.text.startswith("标题\n规范性文件\t12 件")
    i = n.text.index("12")
    o = n.offset_map(i)
    assert original[o : o + 2] == "１２"
    j = n.text.index("好")
    assert original[n.offset_map(j)] == "好"
    k = n.text.index("尾")
    assert original[n.offset_map(k)] == "尾"
    assert "— 3 —" not in n.text
    assert any("bookmark" in a for a in n.artifacts)


def test_traditional_script_detected_and_converted():
    text = (
        "石家莊市人民政府辦公室2022年政府信息公開工作年度報告\n"
        + "發(fā)佈數(shù)據(jù)統(tǒng)計，認(rèn)真貫徹落實。" * 5
    )
    doc = read_text(text)
    assert doc.script == "traditional"
    assert "石家庄市人民政府办公室" in doc.text
    assert "(fā)" not in doc.text


def test_real_brackets_are_kept():
    n = normalize_text("第二十条第(一)项（单位:万元）(PDF)")
    assert n.text == "第二十条第(一)项（单位:万元）(PDF)"


def test_key_folds_labels():
    assert key("（一）予以公開") == key("(一) 予以公开") == "一予以公开"
    assert key("本 年 度 办 理 结 果") == "本年度办理结果"
    assert key("3.危及“三安全一稳定”") == key('3. 危及"三安全一稳定"')
