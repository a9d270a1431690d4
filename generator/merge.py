"""How a team's settings combine with the spec's defaults: mappings merge key by key, lists replace.

Kept apart from spec.py (which loads pydantic) so that light users, such as the benchmark's CDKTF
app, apply exactly the same rule.
"""

from __future__ import annotations

import copy
from typing import Any


def deep_merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key; anything else in `override` replaces `base`."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return copy.deepcopy(override)
