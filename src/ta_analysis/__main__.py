"""``python -m ta_analysis`` runs the command line."""

import sys

from ta_analysis.cli import main

sys.exit(main())
