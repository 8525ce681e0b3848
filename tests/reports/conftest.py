"""Fixtures the report tests share."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from reports.exporters import pdf as pdf_module


@pytest.fixture
def drawn(monkeypatch, settings, tmp_path):
    """Charts drawn by a stand-in for kaleido (a small JPEG), counted; images kept in tmp."""
    settings.MEDIA_ROOT = tmp_path
    calls: list[dict] = []

    def draw(figure: dict) -> bytes:
        calls.append(figure)
        out = io.BytesIO()
        Image.new("RGB", (40, 30), "white").save(out, format="JPEG")
        return out.getvalue()

    monkeypatch.setattr(pdf_module, "chart_image", draw)
    return calls
