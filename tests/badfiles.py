"""Makers of the bad files an archive holds: each writes one file and returns its path."""

from __future__ import annotations

import zipfile
from pathlib import Path

from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from tests.conftest import CORPUS

REPORT = CORPUS / "2015-06-30_sluttrapport_tiltak.pdf"


def empty(folder: Path) -> Path:
    path = folder / "tom.pdf"
    path.write_bytes(b"")
    return path


def truncated_pdf(folder: Path) -> Path:
    data = REPORT.read_bytes()
    path = folder / "avkutta.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def encrypted_pdf(folder: Path, user_password: str) -> Path:
    path = folder / f"kryptert_{'med' if user_password else 'uten'}_passord.pdf"
    enc = StandardEncryption(user_password, ownerPassword="eigar", canPrint=0)
    c = canvas.Canvas(str(path), encrypt=enc)
    c.drawString(72, 720, "Sjukefråvær i Løten kommune")
    c.save()
    return path


def html_named_pdf(folder: Path) -> Path:
    path = folder / "nettside.pdf"
    path.write_text("<!DOCTYPE html><html><body><h1>Saman om ein betre kommune</h1></body></html>", encoding="utf-8")
    return path


def text_named_pptx(folder: Path) -> Path:
    path = folder / "notat.pptx"
    path.write_text("Dette er bare et notat om heltid og deltid.\n", encoding="utf-8")
    return path


def broken_pptx(folder: Path) -> Path:
    """A zip that claims to be a presentation but whose XML is garbage."""
    path = folder / "oydelagt.pptx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("ppt/presentation.xml", "not xml at all")
    return path


def unsupported(folder: Path) -> Path:
    path = folder / "regneark.xyz"
    path.write_bytes(b"\x00\x01\x02 binary")
    return path


def zip_bomb_pptx(folder: Path) -> Path:
    """A real deck whose zip directory declares a member of almost 4 GB."""
    data = bytearray((CORPUS / "2014-03-12_kmd_programstatus.pptx").read_bytes())
    entry = data.find(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # uncompressed size
    path = folder / "zipbombe.pptx"
    path.write_bytes(bytes(data))
    return path


def entity_bomb_pptx(folder: Path) -> Path:
    """A deck whose first slide is a 'billion laughs' XML entity bomb."""
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE p:sld [<!ENTITY l0 "ha">{lol}]><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">&l9;</p:sld>'
    path = folder / "entitetsbombe.pptx"
    with zipfile.ZipFile(CORPUS / "2014-03-12_kmd_programstatus.pptx") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, bomb if item.filename == "ppt/slides/slide1.xml" else src.read(item.filename))
    return path


def huge_picture(folder: Path) -> Path:
    from PIL import Image

    path = folder / "kjempebilde.png"
    Image.new("1", (20_000, 20_000), 1).save(path)
    return path


def many_blank_pages_pdf(folder: Path, pages: int = 10_000) -> Path:
    path = folder / "tomme_sider.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.showPage()
    c.save()
    return path


def raises_in_worker(path: str) -> None:
    """A worker job that fails the way a bug of ours would (for WorkerPool tests)."""
    raise RuntimeError(f"a bug while reading {path}")


def sleeps_in_worker(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def loaded_before_any_file() -> tuple[int, int, int]:
    """What a fresh worker holds before its first file (for WorkerPool tests): the word lists,
    the municipalities' spaCy pipeline, the gazetteer (each cache's size)."""
    from extractors.gazetteer.gazetteer import load_gazetteer
    from extractors.lang.lexicon import _base_hashes
    from extractors.recognisers.municipalities import municipality_nlp

    return (_base_hashes.cache_info().currsize, municipality_nlp.cache_info().currsize,
            load_gazetteer.cache_info().currsize)
