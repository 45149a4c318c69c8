import sys

from ._catalog import main

sys.exit(main())
