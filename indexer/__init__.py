"""Indexer: reads releases, extracts entities, writes one index version (keyword + vector + catalog)."""
