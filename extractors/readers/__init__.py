"""One reader per file format, all producing models.Document (sniff decides which)."""
