"""Every file in a folder gets a record, and the formats a well-kept library reads are read:
images (BMP, GIF, WebP, multi-page TIFF, HEIC, AVIF, JPEG 2000), spreadsheets (.xlsx, .ods,
.xls), plain text (.txt, .md, .csv) and RTF; files cut short are `corrupt`, types saman does
not read `unsupported`, each with a message in plain words. All fixtures are made here."""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pillow_heif
import pytest
from pptx import Presentation
from reportlab.pdfgen import canvas

from models.errors import ReadError
from extractors.readers.sniff import sniff
from extractors.readers.base import _raised_by_library, read_document
from extractors.readers.source import ReadOptions
from extractors.readers.spreadsheet import MAX_SHEET_CELLS
from extractors.lang.text import clean_line, printable
from flows.discover import discover
from kb.store import open_kb
from tests import formatfiles as ff
from tests.conftest import ingest

# What an exception looks like in a message: "(KeyError: 'x')", "(StopIteration: )", a traceback.
EXCEPTION_TEXT = re.compile(r"\(?\b[A-Z]\w*(?:Error|Exception|Iteration)\b|Traceback|NotImplemented")
PARTICIPANTS = [["Kommune", "Fylke", "Kontaktperson", None], ["Stryn", "Sogn og Fjordane", "Kari Nordmann", None],
                ["Bø", "Telemark", "Ola Nordmann", None], ["Herøy", "Nordland", "Per Hansen", None], [None, None, None, None]]


def read_error(path: Path) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_document(path, options=ReadOptions(ocr=False))
    assert not EXCEPTION_TEXT.search(info.value.message), info.value.message
    return info.value


def deck(path: Path, title: str = "Sjukefråvær i Stryn") -> Path:
    prs = Presentation()
    for i in range(6):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"{title} {i}"
        slide.placeholders[1].text = "Nærværsarbeid i kommunane " * 40
    prs.save(path)
    return path


def soffice_ppt(pptx: Path, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", "ppt", "--outdir", str(outdir), str(pptx)], check=True, capture_output=True,
                       timeout=180)
    return outdir / f"{pptx.stem}.ppt"


RTF = (r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs28 "
       r"Sluttrapport fr\'e5 Stryn kommune\par Heltid og deltid i pleie og omsorg\par}")


# --- sniffing by bytes ----------------------------------------------------------------------

@pytest.mark.parametrize("head, name, kind", [
    (b"BMI og helse i Stryn\n", "notat.txt", "text"),             # text that starts like a BMP
    (b"MZ er ei forkorting\n", "notat.txt", "text"),              # ... or a Windows program
    ("Sjukefråvær i Bø\n".encode("cp1252"), "gammal.txt", "text"),  # not UTF-8, still text
    ("Bø".encode("utf-16"), "unicode.txt", "text"),
    (RTF.encode("ascii"), "rapport.txt", "rtf"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "side.pdf", "html"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg", "svg"),
    (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, "lyd.mp3", "mp3"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 32, "film.mp4", "mp4"),
    (b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heicmiaf" + b"\x00" * 32, "bilde.heic", "heic"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 32, "arkiv.7z", "7z"),
    (b"\x00\x01\x02 binary", "regneark.xyz", "unknown"),
])
def test_sniff_goes_by_the_bytes(tmp_path, head, name, kind):
    path = tmp_path / name
    path.write_bytes(head)
    assert sniff(path) == kind


def test_old_office_files_are_told_apart_by_their_top_level_streams(tmp_path):
    assert sniff(ff.ole_file(tmp_path / "a.doc", {"PowerPoint Document": b"x", "Current User": b"y"})) == "ppt"
    assert sniff(ff.ole_file(tmp_path / "b.ppt", {"WordDocument": b"x", "1Table": b"y"})) == "doc"
    assert sniff(ff.xls_workbook(tmp_path / "c.bin", {"Ark1": [["x"]]})) == "xls"
    assert sniff(ff.ole_file(tmp_path / "d.pptx", {"EncryptionInfo": b"x", "EncryptedPackage": b"y"})) == "encrypted-office"
    assert sniff(ff.ole_file(tmp_path / "e.msg", {"__substg1.0_0037001F": b"x", "__properties_version1.0": b"y"})) == "msg"


def test_a_password_protected_office_file_is_encrypted_not_unsupported(tmp_path):
    error = read_error(ff.ole_file(tmp_path / "budsjett.xlsx", {"EncryptionInfo": b"x", "EncryptedPackage": b"y"}))
    assert error.kind == "encrypted" and "password" in error.message


# --- files cut short ------------------------------------------------------------------------

def test_a_pptx_cut_short_is_corrupt_not_mislabelled(tmp_path):
    whole = deck(tmp_path / "samling.pptx")
    for fraction in (0.3, 0.7, 0.95):
        cut = ff.cut(whole, fraction, tmp_path / f"avkutta_{fraction}.pptx")
        assert sniff(cut) == "damaged-pptx"
        error = read_error(cut)
        assert error.kind == "corrupt" and "PowerPoint presentation" in error.message and "cut short" in error.message


def test_an_ole_file_cut_short_is_corrupt_not_unsupported(tmp_path):
    whole = ff.ole_file(tmp_path / "samling.ppt", {"PowerPoint Document": os.urandom(40_000), "Current User": b"u"})
    for fraction in (0.2, 0.5, 0.9):
        cut = ff.cut(whole, fraction, tmp_path / f"avkutta_{fraction}.ppt")
        error = read_error(cut)
        assert error.kind == "corrupt" and "PowerPoint 97–2003" in error.message and "cut short" in error.message


def test_an_ole_header_with_nothing_behind_it_is_corrupt(tmp_path):
    fake = tmp_path / "lysark.ppt"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "PowerPoint Document".encode("utf-16-le") + b"\x00junk" * 300)
    assert read_error(fake).kind == "corrupt"


def test_an_odt_whose_zip_directory_is_broken_is_corrupt(tmp_path):
    """The zip's central directory points one byte off; the local headers still say OpenDocument text."""
    path = tmp_path / "notat.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")
    data[entry + 42:entry + 46] = (0xFFFFFFFF).to_bytes(4, "little")  # the first member's offset
    path.write_bytes(bytes(data))
    assert sniff(path) == "damaged-odt"
    assert read_error(path).kind == "corrupt"


# --- images -----------------------------------------------------------------------------------

IMAGE_FORMATS = [("bmp", "BMP", "image/bmp"), ("gif", "GIF", "image/gif"), ("webp", "WEBP", "image/webp"),
                 ("heic", "HEIF", "image/heic"), ("avif", "AVIF", "image/avif"), ("jp2", "JPEG2000", "image/jp2")]


@pytest.mark.parametrize("suffix, pillow_format, media_type", IMAGE_FORMATS, ids=[f[0] for f in IMAGE_FORMATS])
def test_image_formats_pillow_reads_are_ocrd(tmp_path, suffix, pillow_format, media_type):
    pillow_heif.register_heif_opener()
    picture = ff.text_picture(["Sjukefravær i Stryn", "Heltid og deltid"])
    if suffix == "gif":
        picture = picture.convert("P")
    path = tmp_path / f"skann.{suffix}"
    picture.save(path, format=pillow_format, **({"quality": 95} if suffix in ("heic", "avif", "webp") else {}))
    doc = read_document(path)
    assert doc.media_type == media_type and len(doc.pages) == 1 and doc.pages[0].method == "ocr"
    assert "Stryn" in doc.pages[0].text and "Heltid" in doc.pages[0].text


def test_a_multi_page_tiff_is_a_page_per_frame_and_an_animated_gif_one_picture(tmp_path):
    first, second = ff.text_picture(["Protokoll side en"]), ff.text_picture(["Vedtak om heltid"])
    tiff = tmp_path / "protokoll.tif"
    first.save(tiff, save_all=True, append_images=[second], compression="tiff_lzw")
    doc = read_document(tiff)
    assert [p.number for p in doc.pages] == [1, 2] and "Vedtak" in doc.pages[1].text
    gif = tmp_path / "animasjon.gif"
    first.convert("P").save(gif, save_all=True, append_images=[second.convert("P")], duration=500)
    assert len(read_document(gif).pages) == 1


# --- spreadsheets ---------------------------------------------------------------------------

def test_an_xlsx_is_a_page_per_sheet_with_its_used_range_as_a_table(tmp_path):
    path = ff.xlsx_workbook(tmp_path / "deltakarar.xlsx", {
        "Deltakarar": PARTICIPANTS,
        "Sheet2": [[None, None], [None, "Tal"], [None, 12], [None, 0.25], [None, date(2013, 5, 22)], [None, True]],
    })
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert doc.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert [p.number for p in doc.pages] == [1, 2] and all(p.method == "text" for p in doc.pages)
    first, second = doc.tables
    assert first.rows[0] == ["Kommune", "Fylke", "Kontaktperson"], "header first, empty trailing column dropped"
    assert first.rows[1:] == [r[:3] for r in PARTICIPANTS[1:4]], "empty trailing row dropped"
    assert first.method == "sheet" and first.page == 1
    assert second.rows == [["Tal"], ["12"], ["0.25"], ["2013-05-22"], ["TRUE"]], "empty leading rows and columns dropped"
    assert doc.pages[0].title == "Deltakarar" and doc.pages[1].title is None, "a default sheet name is no title"
    assert "Stryn" in doc.pages[0].text and {b.role for b in doc.pages[0].blocks} == {"title", "table-cell"}


def test_a_participant_list_in_a_spreadsheet_names_its_municipalities(tmp_path):
    from extractors.recognisers.municipalities import recognise_municipalities

    doc = read_document(ff.xlsx_workbook(tmp_path / "deltakarar.xlsx", {"Deltakarar": PARTICIPANTS}), options=ReadOptions(ocr=False))
    found = {(m.name, m.fylke) for m in recognise_municipalities(doc, [])}
    assert {("Stryn", "Sogn og Fjordane"), ("Bø", "Telemark"), ("Herøy", "Nordland")} <= found


def test_an_ods_and_an_xls_read_like_an_xlsx(tmp_path):
    # As LibreOffice writes a sheet: repeated empty cells to the right and empty rows below.
    rows = ff.ods_rows([[c or "" for c in r[:3]] for r in PARTICIPANTS[:4]]).replace(
        "</table:table-row>", '<table:table-cell table:number-columns-repeated="1020"/></table:table-row>')
    rows += '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    ods = read_document(ff.ods_workbook(tmp_path / "deltakarar.ods", {"Deltakarar": rows}), options=ReadOptions(ocr=False))
    xls = read_document(ff.xls_workbook(tmp_path / "deltakarar.xls", {"Deltakarar": [[c or "" for c in r[:3]] for r in PARTICIPANTS[:4]]}),
                        options=ReadOptions(ocr=False))
    assert ods.media_type == "application/vnd.oasis.opendocument.spreadsheet"
    assert xls.media_type == "application/vnd.ms-excel"
    expected = [[c or "" for c in r[:3]] for r in PARTICIPANTS[:4]]
    assert ods.tables[0].rows == expected and xls.tables[0].rows == expected


def test_a_sheet_spanning_the_whole_grid_costs_that_sheet_not_the_process(tmp_path):
    """One cell in A1 and one in XFD1048576: calamine would ask for half a terabyte and abort."""
    path = ff.xlsx_workbook(tmp_path / "glissen.xlsx", {"Deltakarar": PARTICIPANTS, "Glissen": [["a"]]})
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Deltakarar").write_row(0, 0, ["Kommune", "Stryn"])
    sparse = book.add_worksheet("Glissen")
    sparse.write(0, 0, "a")
    sparse.write(1048575, 16383, "b")
    book.close()
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert doc.tables[0].rows == [["Kommune", "Stryn"]] and len(doc.pages) == 2
    assert [(f.page, f.kind, f.scope) for f in doc.faults] == [(2, "too_large", "page")]
    assert "Glissen" in doc.faults[0].message and f"{MAX_SHEET_CELLS:,}" in doc.faults[0].message


def test_a_sheet_whose_cells_leave_out_their_references_is_measured_too(tmp_path):
    """Cells may omit r="A1": each then follows the one before it; the rows still say where they are."""
    path = ff.xlsx_workbook(tmp_path / "utan_ref.xlsx", {"Ark1": [["a", "b", "c"]]})
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    far = '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
    sheet = re.sub(r' r="[A-Z]+1"', "", sheet).replace("</sheetData>", far + "</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert [(f.kind, f.page) for f in doc.faults] == [("too_large", 1)] and "1,048,576 rows × 3 columns" in doc.faults[0].message


def test_an_ods_spanning_the_whole_grid_is_too_large(tmp_path):
    far = ('<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row>'
           '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
           '<table:table-row><table:table-cell table:number-columns-repeated="16000"/>'
           '<table:table-cell office:value-type="string"><text:p>b</text:p></table:table-cell></table:table-row>')
    error = read_error(ff.ods_workbook(tmp_path / "glissen.ods", {"Glissen": far}))
    assert error.kind == "too_large" and "Glissen" in error.message


# --- plain text and RTF ---------------------------------------------------------------------

def test_a_csv_in_windows_1252_with_semicolons_is_a_table(tmp_path):
    path = tmp_path / "deltakarar.csv"
    path.write_bytes("Kommune;Fylke\r\nStryn;Sogn og Fjordane\r\nBø;Telemark\r\n".encode("cp1252"))
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert doc.media_type == "text/csv"
    assert doc.tables[0].rows == [["Kommune", "Fylke"], ["Stryn", "Sogn og Fjordane"], ["Bø", "Telemark"]]


def test_a_text_file_is_pages_of_lines_and_markdown_headings_are_titles(tmp_path):
    txt = tmp_path / "notat.txt"
    txt.write_text("Møte i Stryn 12.03.2014\nHeltid og deltid\n\fSide to\n", encoding="utf-8")
    doc = read_document(txt, options=ReadOptions(ocr=False))
    assert [p.text for p in doc.pages] == ["Møte i Stryn 12.03.2014\nHeltid og deltid", "Side to"]
    assert doc.date == "2014-03-12" and doc.media_type == "text/plain"
    md = tmp_path / "referat.md"
    md.write_text("# Referat frå samling\n\n- Stryn\n  - Bø\n", encoding="utf-8")
    page = read_document(md, options=ReadOptions(ocr=False)).pages[0]
    assert page.title == "Referat frå samling" and [(b.text, b.level) for b in page.blocks[1:]] == [("Stryn", 0), ("Bø", 1)]


def test_text_under_another_name_is_unsupported_and_under_a_document_name_mislabelled(tmp_path):
    (tmp_path / "data.json").write_text('{"kommune": "Stryn"}', encoding="utf-8")
    (tmp_path / "notat.pptx").write_text("Bare eit notat", encoding="utf-8")
    json_error = read_error(tmp_path / "data.json")
    assert json_error.kind == "unsupported" and ".json" in json_error.message and ".txt" in json_error.message
    assert read_error(tmp_path / "notat.pptx").kind == "mislabelled"


def test_an_rtf_is_read_through_libreoffice(tmp_path):
    path = tmp_path / "sluttrapport.rtf"
    path.write_text(RTF, encoding="ascii")
    assert sniff(path) == "rtf"
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert "Sluttrapport frå Stryn kommune" in doc.text and "Heltid" in doc.text


def test_a_file_gone_before_it_is_read_is_unreadable_and_a_folder_unsupported(tmp_path):
    assert read_error(tmp_path / "flytta.pdf").kind == "unreadable"
    assert read_error(tmp_path).kind == "unsupported"


def test_types_saman_does_not_read_are_named_in_plain_words(tmp_path):
    mp3 = tmp_path / "opptak.mp3"
    mp3.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(2000))
    error = read_error(mp3)
    assert error.kind == "unsupported" and error.message == (
        "the file is an MP3 audio file (.mp3); saman does not read this type of file")
    named_pdf = tmp_path / "opptak.pdf"
    named_pdf.write_bytes(mp3.read_bytes())
    error = read_error(named_pdf)
    assert error.kind == "mislabelled" and "named .pdf but holds an MP3 audio file" in error.message


# --- whose fault an exception is ------------------------------------------------------------

def test_a_library_refusing_bytes_is_told_from_a_fault_of_ours():
    import python_calamine

    with pytest.raises(zipfile.BadZipFile) as in_stdlib:
        zipfile.ZipFile(io.BytesIO(b"PK\x03\x04 not a zip"))
    with pytest.raises(python_calamine.CalamineError) as in_extension:
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b"PK\x03\x04 not a zip"))
    with pytest.raises(TypeError) as ours:
        printable(None)  # type: ignore[arg-type]  # a bug of ours: a built-in error raised in our code
    assert _raised_by_library(in_stdlib.value) and _raised_by_library(in_extension.value)
    assert not _raised_by_library(ours.value)


def test_a_damaged_deck_is_corrupt_with_the_exception_in_detail_only(tmp_path):
    path = tmp_path / "oydelagt.pptx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("ppt/presentation.xml", "not xml at all")
    error = read_error(path)
    assert error.kind == "corrupt" and error.detail and "Error" in error.detail


# --- control characters -----------------------------------------------------------------------

def test_control_characters_never_reach_stored_text_and_names_print_escaped(tmp_path):
    assert clean_line("Rapport\x1b[2J\x07 om\x00 Bø\x9b2J\tog\u2028Stryn\ufeff") == "Rapport[2J om Bø2J og Stryn"
    assert clean_line("\u200fعربي\u200f") == "\u200fعربي\u200f", "bidirectional marks of real text stay"
    name = os.path.join(tmp_path, "\x1b[2Jrapport\u202efdp.txt")
    Path(name).write_text("Tittel\x1b[31m raud\x7f\nLinje\x07 to\n", encoding="utf-8")
    doc = read_document(name, options=ReadOptions(ocr=False))
    assert doc.path == name, "the path stays the file's own name"
    assert doc.text == "Tittel[31m raud\nLinje to"
    shown = printable(doc.path)
    assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b[2Jrapport\\u202efdp.txt" in shown
    pdf = tmp_path / "tittel.pdf"
    c = canvas.Canvas(str(pdf))
    c.setTitle("Sluttrapport\x1b[2J\x07 2014")
    c.drawString(72, 720, "Heltid og deltid")
    c.save()
    assert read_document(pdf, options=ReadOptions(ocr=False)).title == "Sluttrapport[2J 2014"


# --- a folder of everything -------------------------------------------------------------------

@pytest.fixture
def mixed_folder(tmp_path) -> Path:
    folder = tmp_path / "arkiv"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text("[core]\n")
    picture = ff.text_picture(["Sjukefravær i Stryn"])
    pillow_heif.register_heif_opener()
    picture.save(folder / "foto.heic", quality=95)
    picture.save(folder / "skann.bmp")
    picture.convert("P").save(folder / "plakat.gif")
    picture.save(folder / "bilde.webp", quality=95)
    picture.save(folder / "protokoll.tif", save_all=True, append_images=[ff.text_picture(["Side to"])])
    ff.xlsx_workbook(folder / "deltakarar.xlsx", {"Deltakarar": PARTICIPANTS})
    ff.xlsx_workbook(folder / "makro.xlsm", {"Ark1": [["Kommune"], ["Bø"]]})
    ff.ods_workbook(folder / "oversikt.ods", {"Oversikt": ff.ods_rows([["Kommune", "Fylke"], ["Stryn", "Sogn og Fjordane"]])})
    (folder / "sluttrapport.rtf").write_text(RTF, encoding="ascii")
    (folder / "opptak.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(2000))
    whole = deck(tmp_path / "samling.pptx")
    ff.cut(whole, 0.6, folder / "avkutta.pptx")
    ff.cut(soffice_ppt(whole, tmp_path), 0.5, folder / "avkutta.ppt")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + os.urandom(100))
    (folder / "._foto.heic").write_bytes(b"\x00\x05\x16\x07" + os.urandom(100))
    (folder / ".~lock.oversikt.ods#").write_text("ola,host,02.12.2026 10:00;")
    (folder / "\x1b[2Jnotat.txt").write_text("Notat frå Stryn\x07\n", encoding="utf-8")
    return folder


def test_every_file_in_a_folder_gets_a_record_and_hidden_files_are_counted(mixed_folder, tmp_path):
    found = discover([str(mixed_folder)])
    assert sorted(os.path.basename(h) for h in found.hidden) == [".DS_Store", "._foto.heic", ".git",
                                                                 ".~lock.oversikt.ods#"]
    assert len(found.files) == 13
    kb_path = tmp_path / "kb.db"
    ingest([mixed_folder], kb_path)
    with open_kb(kb_path, readonly=True) as kb:
        documents = {d["file_name"]: d for d in kb.records("document")}
        errors = {e["file_name"]: e for e in kb.records("error") if e["page"] is None}
        municipalities = {(m["file_name"], m["name"]) for m in kb.records("municipality")}
    assert set(documents) | set(errors) == {os.path.basename(f) for f in found.files}
    assert set(documents) == {"foto.heic", "skann.bmp", "plakat.gif", "bilde.webp", "protokoll.tif", "deltakarar.xlsx",
                              "makro.xlsm", "oversikt.ods", "sluttrapport.rtf", "\x1b[2Jnotat.txt"}
    assert documents["protokoll.tif"]["n_pages"] == 2
    assert {n: (e["error_kind"], e["message"]) for n, e in errors.items()} == {
        "opptak.mp3": ("unsupported", "the file is an MP3 audio file (.mp3); saman does not read this type of file"),
        "avkutta.pptx": ("corrupt", "the file is a PowerPoint presentation that is damaged or was cut short; "
                                    "ask the sender for a new copy"),
        "avkutta.ppt": ("corrupt", "the file is a PowerPoint 97–2003 presentation that is damaged or was cut short; "
                                   "ask the sender for a new copy"),
    }
    assert {("deltakarar.xlsx", "Stryn"), ("deltakarar.xlsx", "Herøy"), ("oversikt.ods", "Stryn")} <= municipalities
