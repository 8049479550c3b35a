"""DJV904's and DJV902's fixes, proven at run time.

`inventory/migrations/0002_starter_items.py` of `tests/runtime_projects/shopproject`
imports today's `Item` (which has `sku`, a column 0003 adds) and has no reverse code.
Before djvet's fixes a fresh database cannot migrate forward (the insert names a column
that does not exist yet). With DJV904's fix (`apps.get_model`) it migrates forward, but
`migrate inventory zero` stops with `IrreversibleError`; with DJV902's fix
(`RunPython.noop`) it migrates back to zero and forward again.
"""

from __future__ import annotations

from runtime_projects.run import copy_project, django, djvet_findings, djvet_fix

MIGRATION = "inventory/migrations/0002_starter_items.py"


def test_data_migration_runs_both_ways_only_after_the_fixes(tmp_path, capsys):
    project = copy_project("shopproject", tmp_path)

    forward = django(
        project, "migrate", "inventory", "--noinput", database="before.sqlite3"
    )
    assert forward.returncode != 0
    assert "no column named sku" in forward.stderr

    findings = djvet_findings(project, "DJV902,DJV904", capsys)
    assert [line.split(": ")[1].split()[0] for line in findings] == ["DJV904", "DJV902"]

    djvet_fix(project, "DJV904", unsafe=True)
    capsys.readouterr()
    text = (project / MIGRATION).read_text()
    assert 'Item = apps.get_model("inventory", "Item")' in text
    assert "from inventory.models import Item" not in text
    forward = django(
        project, "migrate", "inventory", "--noinput", database="halfway.sqlite3"
    )
    assert forward.returncode == 0, forward.stderr
    backward = django(
        project, "migrate", "inventory", "zero", "--noinput", database="halfway.sqlite3"
    )
    assert backward.returncode != 0
    assert "IrreversibleError" in backward.stderr

    djvet_fix(project, "DJV902")  # a safe fix: plain --fix applies it
    capsys.readouterr()
    assert (
        "migrations.RunPython(add_starter_items, migrations.RunPython.noop)"
        in (project / MIGRATION).read_text()
    )
    assert djvet_findings(project, "DJV902,DJV904", capsys) == []

    for arguments in (
        ("migrate", "inventory"),
        ("migrate", "inventory", "zero"),
        ("migrate", "inventory"),
    ):
        result = django(project, *arguments, "--noinput", database="after.sqlite3")
        assert result.returncode == 0, f"{arguments}: {result.stderr}"
    shown = django(project, "showmigrations", "inventory", database="after.sqlite3")
    assert shown.stdout.count("[X]") == 3
