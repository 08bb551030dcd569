"""Write the diagnostics table of README.md from the rule registry.

    python scripts/gen_rules_table.py          # rewrite README.md
    python scripts/gen_rules_table.py --check  # exit 1 when README.md is stale (a test runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from cargo_lens.engine.checks import RULES  # noqa: E402

START, END = "<!-- rules-table-start -->", "<!-- rules-table-end -->"


def table() -> str:
    rows = ["| Code | Name | Default | What it reports |", "|---|---|---|---|"]
    for code, rule in RULES.items():
        rows.append(f"| {code} | `{rule.name}` | {rule.severity} | {rule.summary} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> int:
    path = ROOT / "README.md"
    current = path.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in sys.argv:
        if wanted != current:
            print("README.md's rules table is stale: run python scripts/gen_rules_table.py", file=sys.stderr)
            return 1
        return 0
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
