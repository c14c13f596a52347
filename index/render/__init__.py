"""Documents and handouts as HTML (no Qt)."""
