"""``python -m lecture``: see :mod:`lecture.run`."""

import sys

from lecture.run import main

sys.exit(main())
