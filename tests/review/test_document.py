"""The ruling document's sample context renders through its template (court template previews, benchmarks), for
both kinds of objection, each stating its remedy."""

from __future__ import annotations

import re
import subprocess

import pytest

from notices import documents
from notices.pdf.render import render_template_pdf


@pytest.mark.parametrize("kind,outcome,expected", [
    ("third_party", "upheld", ["执行裁定书", "案外人：李四", "中止对位于甘肃省天水市麦积区花园路18号的房屋的执行", "十五日内",
                               "第二百三十八条"]),
    ("act", "dismissed", ["异议人：李四", "驳回李四的异议请求", "十日内", "甘肃省天水市中级人民法院申请复议",
                          "第二百三十六条"]),
])
def test_objection_ruling_sample_renders(kind, outcome, expected, tmp_path):
    doc = documents.get("objection_ruling")
    overrides = {"kind": kind, "outcome": outcome, "objector_label": "案外人" if kind == "third_party" else "异议人",
                 "law": "第二百三十八条" if kind == "third_party" else "第二百三十六条"}
    if kind == "act":
        overrides["outcome_text"] = "驳回李四的异议请求。"
    context = doc.sample_context(**overrides)
    path = tmp_path / "ruling.pdf"
    path.write_bytes(render_template_pdf(doc.template, documents.typeset(context)))
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    for item in ["甘肃省天水市麦积区人民法院", *expected]:
        assert item in text, item
    if kind == "act":
        assert "十五日内" not in text
