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
