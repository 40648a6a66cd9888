"""Format readers (file → models.Document) and fact recognisers (Document → records).

Pure functions over files and models: nothing here imports Prefect or the knowledge base,
so every reader and recogniser can be tested and benchmarked on its own.
"""
