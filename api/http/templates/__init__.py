"""HTML templates; a package so that setuptools ships its *.html files."""
