"""Generate `docs/rules/<CODE>.md` and `docs/rules/index.md` from the rule docstrings,
and the text `djvet rule CODE` and `djvet rules` print (one source for all of them).

Run `make docs` (or `python -m djvet.docs_gen docs/rules`); a test fails when the
committed pages differ from what this produces.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from djvet.core.rule import Family, Rule, iter_rules

_FIX = {
    "always": "always available",
    "sometimes": "sometimes available",
    "never": "none",
}


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
    lines = [
        "# djvet rules",
        "",
        "Generated from the rule docstrings by `make docs`.",
        "",
    ]
    for family in Family:
        members = [r for r in rules if r.family is family]
        if not members:
            continue
        lines += [
            f"## {family.title} (DJV{family.digit}xx)",
            "",
            "| code | name | fix | what it flags |",
            "|---|---|---|---|",
        ]
        for rule in members:
            fix = {"always": "yes", "sometimes": "sometimes", "never": ""}[
                rule.fix.value
            ]
            lines.append(
                f"| [{rule.code}]({rule.code}.md) | `{rule.name}` | {fix} | {rule.summary()} |"
            )
        lines.append("")
    return "\n".join(lines)


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by code (`DJV201`, any case) or name (`debug-enabled`)."""
    for rule in iter_rules():
        if code_or_name.upper() == rule.code or code_or_name.lower() == rule.name:
            return rule
    return None


def render_rules_table(rules: list[Rule]) -> str:
    """`djvet rules`: code, whether a fix exists, name and what the rule flags."""
    width = max((len(r.name) for r in rules), default=4)
    lines = [f"{'code':<6}  fix   {'name':<{width}}  what it flags"]
    for rule in rules:
        fix = {"always": "yes", "sometimes": "some", "never": ""}[rule.fix.value]
        lines.append(
            f"{rule.code:<6}  {fix:<4}  {rule.name:<{width}}  {rule.summary()}"
        )
    return "\n".join(lines)


def render_rules_json(rules: list[Rule]) -> str:
    return json.dumps(
        [
            {
                "code": r.code,
                "name": r.name,
                "family": r.family.slug,
                "severity": r.severity.label,
                "fix": r.fix.value,
                "default_enabled": r.default_enabled,
                "summary": r.summary(),
                "url": r.docs_url,
            }
            for r in rules
        ],
        indent=2,
    )


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
