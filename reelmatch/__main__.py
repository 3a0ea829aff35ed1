"""`python -m reelmatch ...` runs the command line interface."""

from reelmatch.cli import main

if __name__ == "__main__":
    main()
