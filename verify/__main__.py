"""The ``verify`` command and ``python -m verify``: Ctrl-C at any moment, even while the
libraries load, ends with one line and exit 130, never a traceback."""

import sys


def main() -> None:
    try:
        from .cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        sys.stderr.write("verify: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
