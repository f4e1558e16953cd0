"""`motcua` on the command line; the console script is `api.cli.main:main`.

Nothing is re-exported here: binding `main` in this package would hide the `main` module.
"""
