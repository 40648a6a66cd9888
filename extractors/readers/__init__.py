"""One reader per file format, all producing models.Document: sniff tells a file's kind from its bytes, the
registry (registry.py) which reader reads that kind, base.read_document is the way in."""
