"""OncoRef core: documents, loaders, glossary, Whoosh index and search. Never imports Qt."""

__version__ = "0.1.0"
