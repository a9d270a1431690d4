"""Project scripts: the toolchain installer and the data it installs from.

A regular package, so `python -m scripts.install_tools` and the tests import these files and never
a same-named package from site-packages.
"""
