import sys

from asr_desktop.app import main

sys.exit(main())
