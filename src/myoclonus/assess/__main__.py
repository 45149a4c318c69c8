"""``python -m myoclonus.assess --history H.yaml [--summary summary.json] [--out assessment.json]``."""
import sys

from ._cli import main

sys.exit(main())
