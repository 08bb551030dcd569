"""Settings from `workspace/configuration` (section `cargoLens`) and initializationOptions.

Raw client JSON is structured with cattrs into ``Settings``; anything unknown or ill-typed is
reported back (never a crash) and falls back to the default for that field.
"""

from __future__ import annotations

from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

SEVERITIES = ("error", "warning", "information", "hint", "off")
LOG_LEVELS = ("error", "warning", "info", "debug")


@attrs.define
class Settings:
    # code ("CL301") or name ("gated-implicit-member") -> error | warning | information | hint | off
    severity: dict[str, str] = attrs.field(factory=dict)
    # may the server run `rustc --print cfg` for the host's cfg values? Never in an untrusted
    # workspace: the client sends `trusted: false` and we ignore this then.
    allow_rustc: bool = False
    trusted: bool = True
    log_level: str = "info"

    @property
    def rustc_allowed(self) -> bool:
        return self.allow_rustc and self.trusted


_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_structure_hook(
    Settings,
    make_dict_structure_fn(
        Settings,
        _converter,
        _cattrs_forbid_extra_keys=True,
        allow_rustc=override(rename="allowRustc"),
        log_level=override(rename="logLevel"),
    ),
)

_FIELDS = {"severity": dict, "allowRustc": bool, "trusted": bool, "logLevel": str}


def parse_settings(raw: Any, known_rules: set[str]) -> tuple[Settings, list[str]]:
    """Structure client settings; returns the settings and a list of problems to report."""
    problems: list[str] = []
    if raw is None:
        return Settings(), problems
    if not isinstance(raw, dict):
        return Settings(), [f"cargoLens settings must be an object, got {type(raw).__name__}; using defaults"]
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        want = _FIELDS.get(key)
        if want is None:
            problems.append(f"unknown setting `cargoLens.{key}` (known: {', '.join(sorted(_FIELDS))})")
        elif not isinstance(value, want) or (want is int and isinstance(value, bool)):
            problems.append(f"setting `cargoLens.{key}` should be a {want.__name__}, got {value!r}; using the default")
        else:
            clean[key] = value
    sev = clean.get("severity", {})
    good_sev = {}
    for rule, level in sev.items():
        if rule not in known_rules:
            problems.append(f"`cargoLens.severity` names an unknown rule `{rule}`")
        elif level not in SEVERITIES:
            problems.append(f"`cargoLens.severity.{rule}` must be one of {', '.join(SEVERITIES)}, got {level!r}")
        else:
            good_sev[rule] = level
    clean["severity"] = good_sev
    if clean.get("logLevel") not in (None, *LOG_LEVELS):
        problems.append(f"`cargoLens.logLevel` must be one of {', '.join(LOG_LEVELS)}, got {clean['logLevel']!r}")
        clean.pop("logLevel")
    try:
        return _converter.structure(clean, Settings), problems
    except Exception as err:  # cattrs' own validation: report it, keep going with defaults
        return Settings(), problems + [f"invalid cargoLens settings ({err}); using defaults"]
