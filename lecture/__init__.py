"""The lecture build: execute the notebooks; render pages, decks, the index, the student edition
and the handouts; write the generated blocks of README.md and CONTRIBUTING.md.

Not part of ``course_utils`` (which holds only what notebooks import) and not installed
with it: run it from the repository root, ``python -m lecture`` (``make lecture``).

Modules
-------
run       execute notebooks from fresh kernels, ``build/results.json``, ``--store``, ``--readme``
site      offline pages, reveal.js decks and the index (templates in ``lecture/templates/``)
deck      the decks' layout (an nbconvert preprocessor); ``deckfit`` its size estimates
cells     what a cell is for: instructor asides, formatting-only code, measured run times
student   the student edition, ``build/student/``
handouts  every deck printed to ``build/pdf/NN_name.pdf`` (``make handouts``)
readme    generated blocks of ``README.md`` and ``CONTRIBUTING.md``
"""
