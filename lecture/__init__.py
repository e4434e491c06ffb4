"""The lecture build: execute the notebooks, render pages, decks and the index, write README tables.

Not part of ``course_utils`` (which holds only what notebooks import) and not installed
with it: run it from the repository root, ``python -m lecture`` (``make lecture``).

Modules
-------
run     execute notebooks from fresh kernels, ``build/results.json``, ``--store``, ``--readme``
site    offline pages, reveal.js decks and the index (templates in ``lecture/templates/``)
readme  generated blocks of ``README.md``
"""
