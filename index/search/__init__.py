"""Search: the Whoosh schema, the index store and the searcher."""
