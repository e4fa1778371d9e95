"""Mutation fuzzing of the readers (text, HTML, DOCX, PDF): see ``fuzz/README.md``.

Run ``python -m fuzz.run --reader html --minutes 120`` from the repository root.
"""
