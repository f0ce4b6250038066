"""`cellpipe` console script."""

import argparse
import sys

from . import __version__


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cellpipe", description="cellpipe command line")
    parser.add_argument("--version", action="version", version=f"cellpipe {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
