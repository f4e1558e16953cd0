"""`python -m api`: the same command line as `motcua`."""

from api.cli.main import main

if __name__ == "__main__":
    main()
