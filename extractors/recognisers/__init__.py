"""Recognisers: components that read a Document and emit records, run in a checked order."""
