"""Generate `docs/rules/<CODE>.md` and `docs/rules/index.md` from the rule docstrings.

Run `make docs` (or `python -m djvet.docs_gen docs/rules`); a test fails when the
committed pages differ from what this produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

from djvet.core.rule import Family, Rule, iter_rules

_FIX = {"always": "always available", "sometimes": "sometimes available", "never": "none"}


def render_rule(rule: Rule) -> str:
    header = (
        f"# {rule.code} `{rule.name}`\n\n"
        f"- Family: {rule.family.title} (`DJV{rule.family.digit}xx`)\n"
        f"- Default severity: {rule.severity.label}\n"
        f"- Fix: {_FIX[rule.fix.value]}\n"
    )
    if rule.django_checks:
        header += f"- Mirrors Django system checks: {', '.join(f'`{c}`' for c in rule.django_checks)}\n"
    suppress = f"\nSuppress one line with `# noqa: {rule.code}` or `# djvet: ignore[{rule.code}]`.\n"
    return f"{header}\n{(rule.docs or rule.message).strip()}\n{suppress}"


def render_index(rules: list[Rule]) -> str:
    lines = ["# djvet rules", "", "Generated from the rule docstrings by `make docs`.", ""]
    for family in Family:
        members = [r for r in rules if r.family is family]
        if not members:
            continue
        lines += [f"## {family.title} (DJV{family.digit}xx)", "", "| code | name | fix | what it flags |",
                  "|---|---|---|---|"]
        for rule in members:
            fix = {"always": "yes", "sometimes": "sometimes", "never": ""}[rule.fix.value]
            lines.append(f"| [{rule.code}]({rule.code}.md) | `{rule.name}` | {fix} | {rule.summary()} |")
        lines.append("")
    return "\n".join(lines)


def generate() -> dict[str, str]:
    rules = list(iter_rules())
    pages = {f"{rule.code}.md": render_rule(rule) for rule in rules}
    pages["index.md"] = render_index(rules)
    return pages


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/rules")
    out.mkdir(parents=True, exist_ok=True)
    pages = generate()
    for stale in out.glob("DJV*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
