"""LibreOffice conversion of legacy and OpenDocument files (extractors.readers.office), run for real."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from models.errors import ReadError
from extractors.readers.base import open_source
from extractors.readers.office import convert_legacy
from tests.formatfiles import ole_file

TITLE = "Sykefravær i Bærum"
BODY = "Nærværsteam høsten 2013"


def _soffice(source: Path, fmt: str, outdir: Path) -> Path:
    """Make a test input the way a user's office suite would: soffice with its own profile."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(outdir), str(source)],
                       check=True, capture_output=True, timeout=120)
    return outdir / f"{source.stem}.{fmt.split(':')[0]}"


@pytest.fixture(scope="module")
def legacy_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("legacy")
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = TITLE
    slide.placeholders[1].text = BODY
    deck.save(folder / "samling.pptx")
    text = folder / "notat.txt"
    text.write_text(f"{TITLE}\n{BODY}\n", encoding="utf-8")
    return {
        "ppt": _soffice(folder / "samling.pptx", "ppt", folder),
        "odp": _soffice(folder / "samling.pptx", "odp", folder),
        "odt": _soffice(text, "odt", folder),
    }


def _slide_texts(path: Path) -> list[str]:
    return [shape.text_frame.text for slide in Presentation(str(path)).slides
            for shape in slide.shapes if shape.has_text_frame]


@pytest.mark.parametrize("kind", ["ppt", "odp"])
def test_presentation_round_trip(legacy_files: dict[str, Path], kind: str) -> None:
    converted = convert_legacy(open_source(legacy_files[kind]))
    try:
        assert converted.suffix == ".pptx"
        assert _slide_texts(converted) == [TITLE, BODY]
    finally:
        converted.unlink()


def test_mislabelled_ole_presentation_still_becomes_pptx(legacy_files: dict[str, Path], tmp_path: Path) -> None:
    # What a file is comes from its bytes: a .ppt saved under a .doc name is still slides.
    renamed = tmp_path / "samling.doc"
    renamed.write_bytes(legacy_files["ppt"].read_bytes())
    converted = convert_legacy(open_source(renamed))
    try:
        assert converted.suffix == ".pptx" and TITLE in _slide_texts(converted)
    finally:
        converted.unlink()


def test_text_document_becomes_pdf(legacy_files: dict[str, Path]) -> None:
    converted = convert_legacy(open_source(legacy_files["odt"]))
    try:
        assert converted.suffix == ".pdf"
        with pdfplumber.open(converted) as pdf:
            text = pdf.pages[0].extract_text()
        assert TITLE in text and BODY in text
    finally:
        converted.unlink()


def test_conversion_leaves_only_the_result_behind(legacy_files: dict[str, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # A private temporary directory, so conversions running elsewhere do not show up here.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    converted = convert_legacy(open_source(legacy_files["ppt"]))
    assert list(tmp_path.iterdir()) == [converted]


def test_garbage_named_ppt_is_a_read_error(tmp_path: Path) -> None:
    garbage = tmp_path / "slides.ppt"
    garbage.write_bytes(b"\x00\x17garbage" * 200)
    with pytest.raises(ReadError) as err:
        convert_legacy(open_source(garbage))
    assert err.value.kind == "corrupt" and ".ppt" in err.value.message


def test_damaged_powerpoint_file_is_a_conversion_error(tmp_path: Path) -> None:
    # A sound OLE container whose PowerPoint stream is junk: LibreOffice must refuse it
    # (named import filter), not "convert" it as plain text.
    fake = ole_file(tmp_path / "slides.ppt", {"PowerPoint Document": b"\x00junk" * 300, "Current User": b"x"})
    with pytest.raises(ReadError) as err:
        convert_legacy(open_source(fake))
    assert err.value.kind == "conversion"
    assert "LibreOffice could not convert" in err.value.message and "soffice" in (err.value.detail or "")


def test_ole_magic_with_no_container_behind_it_is_corrupt(tmp_path: Path) -> None:
    fake = tmp_path / "slides.ppt"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "PowerPoint Document".encode("utf-16-le") + b"\x00junk" * 300)
    with pytest.raises(ReadError) as err:
        convert_legacy(open_source(fake))
    assert err.value.kind == "corrupt" and "cut short" in err.value.message


def test_conversion_over_its_time_limit_is_stopped(legacy_files: dict[str, Path]) -> None:
    start = time.monotonic()
    with pytest.raises(ReadError) as err:
        convert_legacy(open_source(legacy_files["ppt"]), timeout_s=0.3)
    assert err.value.kind == "timeout"
    assert time.monotonic() - start < 5
