"""``python -m myoclonus.review`` runs the same commands as ``myoclonus review``."""
import sys

from .cli import main

sys.exit(main())
