"""Gallery: one module per figure, each with ``render(out_dir) -> one-line summary``.

``dynanalysis gallery`` runs them all; ``python -m dynanalysis.gallery.NAME`` runs one.
Scripts only call the library and draw; any logic worth having belongs in the library.
"""
