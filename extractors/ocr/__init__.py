"""Tesseract OCR of page images: layout, recognition, tables on images, correction."""
