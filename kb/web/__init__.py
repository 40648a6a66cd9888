"""The knowledge base in the browser: Datasette with saman's metadata, plugin and templates."""
