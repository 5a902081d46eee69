"""The ``verify`` command and ``python -m verify``: Ctrl-C at any moment, even while the
libraries load, ends with one line and exit 130, never a traceback."""

import gc
import sys

# A report holds hundreds of thousands of small objects (claims, candidate pairs, findings) and
# makes few reference cycles. At Python's default thresholds the collector walks them all again
# and again as they are made: up to a third of a warm report's time at 10,000 claims. Collect rarely.
GC_THRESHOLDS = (50_000, 50, 1_000)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        from verify.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        sys.stderr.write("verify: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
