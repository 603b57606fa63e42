"""Search: keyword and semantic retrievers over one index version, fused into one ranking."""
