"""Who may see what: one check per blueprint, so a new route is protected without remembering to.

The guard itself lives in the shared layer (`core.access`), so that every domain can use it.
"""

from __future__ import annotations

from ..core.access import organisers_only, require_role

__all__ = ["organisers_only", "require_role"]
