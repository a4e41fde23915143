"""Save and restore a miner's state as JSON, so mining continues across runs and processes.

The document is plain JSON (a dict of lists and strings) that fits a ``jsonb`` column or a
file. ``format`` is bumped when the layout changes; an unknown format raises ``ValueError``
rather than restoring a miner that would silently group differently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.miner import MinerState, PatternMiner, TemplateState

FORMAT = 1


def miner_to_json(miner: PatternMiner) -> dict[str, Any]:
    """The miner's state as a JSON-ready dict."""
    state = miner.state()
    return {
        "format": FORMAT,
        "config": state.config.to_json(),
        "next_key": state.next_key,
        "templates": [
            {
                "key": t.key,
                "pattern_id": t.pattern_id,
                "parts": list(t.parts),
                "route": list(t.route),
                "occurrences": t.occurrences,
            }
            for t in state.templates
        ],
        # JSON object keys are strings; keys are ints in the miner.
        "redirects": {str(k): v for k, v in state.redirects.items()},
    }


def miner_from_json(data: dict[str, Any]) -> PatternMiner:
    """Restore a miner saved by ``miner_to_json``, with the settings it was saved with.

    Raises ``ValueError`` for a document of another format or a malformed one.
    """
    return PatternMiner.from_state(_state_from_json(data))


def restore_miner(
    data: dict[str, Any], config: MinerConfig
) -> tuple[PatternMiner, dict[str, tuple[Any, Any]]]:
    """Restore a saved miner to run with ``config``, and the settings that changed
    (name -> (saved, now); empty when none did).

    A state keeps the settings it was built with, so a new version's defaults would never
    reach a miner saved before it; when they differ (or the state does not say), the miner
    is rebuilt with ``config`` from its stored templates (``PatternMiner.rebuilt``): ids are
    kept, so every stored pattern keeps its history.
    """
    state = _state_from_json(data)
    saved = data.get("config")
    # A setting the saved state does not name (an older version's state) counts as changed.
    before: dict[str, Any] = saved if isinstance(saved, dict) else {}
    changes = {
        key: (before.get(key), value)
        for key, value in config.to_json().items()
        if before.get(key) != value
    }
    if not changes:
        return PatternMiner.from_state(state), {}
    return PatternMiner.rebuilt(state, config), changes


def _state_from_json(data: dict[str, Any]) -> MinerState:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a pattern-miner state of format {FORMAT}")
    try:
        templates = tuple(
            TemplateState(
                key=int(t["key"]),
                pattern_id=str(t["pattern_id"]),
                parts=tuple(str(p) for p in t["parts"]),
                route=tuple(str(r) for r in t["route"]),
                occurrences=int(t["occurrences"]),
            )
            for t in data["templates"]
        )
        state = MinerState(
            config=MinerConfig.from_json(data.get("config") or {}),
            templates=templates,
            redirects={int(k): int(v) for k, v in (data.get("redirects") or {}).items()},
            next_key=int(data.get("next_key", 1)),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed pattern-miner state: {exc}") from exc
    for template in templates:
        if len(template.parts) % 2 != 1:
            raise ValueError(f"malformed template {template.key}: parts must alternate")
    return state


def save_miner(miner: PatternMiner, path: Path) -> None:
    """Write the state to ``path`` (replaced atomically, so a crash leaves the old file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(miner_to_json(miner)), encoding="utf-8")
    tmp.replace(path)


def load_miner(path: Path) -> PatternMiner:
    """Read a state saved by ``save_miner`` (raises OSError, ValueError)."""
    return miner_from_json(json.loads(path.read_text(encoding="utf-8")))
