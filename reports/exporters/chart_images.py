"""Chart images for the PDF, drawn once per comparison run and kept beside the downloads.

Drawing a chart costs a round trip to Chromium (kaleido, ≈ 0.3–1 s an image, and 3–5 s to start
its server in a fresh process), and the same run's charts are drawn again for every PDF of it.
So each image is kept under `MEDIA_ROOT/charts/wave-<wave>/run-<run>-<fingerprint>/` (the same
storage as the downloads, which every web and worker process shares) in a file named by the
SHA-256 of the chart's definition (the Plotly figure, size, scale and format): a file can only
ever hold the image of exactly that definition, whatever changed in the code that built it. When
a wave's latest run is replaced (new answers, new k), the first PDF of the new run drops the
folders of the wave's other runs; deleting a run deletes its folder (`reports.receivers`).

A JPEG, not SVG or PNG: WeasyPrint parses and paints every element of an SVG on every PDF
(≈ 1.5 s for the three charts of a summative report), and it decodes and re-compresses every PNG
(≈ 0.3 s for a tall chart); a JPEG goes into the PDF as it is. Kaleido draws a PNG at twice the
CSS size (≈ 190 dpi across the A4 text width), made a JPEG once here, at a quality and without
colour subsampling so that text and lines print sharp. The alternative text a screen reader
reads is the chart's description, as before.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

CHART_WIDTH = 680  # px: the A4 text width (178 mm) at 96 px an inch, so text prints at size
SCALE = 2  # device pixels per CSS pixel of the image
FORMAT = "jpeg"
CONTENT_TYPE = "image/jpeg"
JPEG_QUALITY = 92


def as_jpeg(png: bytes) -> bytes:
    """Kaleido's PNG as a JPEG on white (charts have a transparent margin), no subsampling."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        flat = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
    return out.getvalue()


def chart_height(figure: dict) -> int:
    """The figure's own height (it grows with its rows), else Plotly's default."""
    return int(figure.get("layout", {}).get("height") or 450)


def definition_key(figure: dict) -> str:
    """SHA-256 of everything the image depends on: the figure, its size, scale and format."""
    definition = {
        "figure": figure,
        "width": CHART_WIDTH,
        "height": chart_height(figure),
        "scale": SCALE,
        "format": FORMAT,
        "quality": JPEG_QUALITY,
    }
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def charts_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "charts"


def wave_folder(wave_id: int) -> Path:
    return charts_root() / f"wave-{int(wave_id)}"


def run_identity(run_id: int) -> tuple[int, str] | None:
    """A run's wave and fingerprint (what its images are kept under); None when it is gone."""
    from reports.models import ComparisonRun

    found = ComparisonRun.objects.filter(pk=run_id).values_list("wave_id", "fingerprint").first()
    return (found[0], found[1]) if found else None


def run_folder(wave_id: int, run_id: int, fingerprint: str) -> Path:
    return wave_folder(wave_id) / f"run-{int(run_id)}-{fingerprint[:16]}"


def cached(folder: Path, key: str) -> bytes | None:
    try:
        return (folder / f"{key}.{FORMAT}").read_bytes()
    except OSError:  # not drawn yet (or the folder went with a replaced run)
        return None


def keep(folder: Path, key: str, image: bytes) -> None:
    """Store an image atomically (a reader never sees half a file); failures only log: the PDF
    has its image either way."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=folder, suffix=".partial")
        with os.fdopen(handle, "wb") as out:
            out.write(image)
        os.replace(partial, folder / f"{key}.{FORMAT}")
    except OSError as exc:
        logger.warning("Chart image not kept in %s: %s", folder, exc)


def drop_other_runs(wave_id: int, keep_folder: Path) -> None:
    """The wave's latest run was replaced: its earlier runs' images are never read again."""
    try:
        folders = list(wave_folder(wave_id).iterdir())
    except OSError:
        return
    for folder in folders:
        if folder != keep_folder and folder.name.startswith("run-"):
            shutil.rmtree(folder, ignore_errors=True)


def forget_run(wave_id: int, run_id: int) -> None:
    """A run was deleted: delete its images."""
    try:
        folders = list(wave_folder(wave_id).glob(f"run-{int(run_id)}-*"))
    except OSError:
        return
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
