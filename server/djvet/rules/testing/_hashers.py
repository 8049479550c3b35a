"""Whether the test suite switches the password hasher by itself (a pytest fixture or a
`conftest.py` setting `PASSWORD_HASHERS`), so test settings need not."""

from __future__ import annotations

from djvet.core.roles import FileRole
from djvet.project.index import ProjectIndex, register_fact


def _build(project: ProjectIndex) -> bool:
    for path in project.python_files():
        if not path.endswith(".py"):
            continue
        text = project.read(path) or ""
        if (
            "PASSWORD_HASHERS" in text or "MD5PasswordHasher" in text
        ) and project.roles(path, text) & FileRole.TESTS:
            return True
    return False


register_fact("test-hashers", FileRole.TESTS)


def hashers_switched_in_tests(project: ProjectIndex) -> bool:
    return project.fact("test-hashers", _build)
