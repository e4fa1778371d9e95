"""Stage 2 — extraction: Document → Report in the canonical schema, with extraction findings."""
