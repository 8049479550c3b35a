"""DJV115 create-in-loop."""

from __future__ import annotations

from rules.harness import PROJECTS, _folder_files, check_fixed, check_flags, check_noop

CODE = "DJV115"
VIEW = "library/views.py"


def flags(source, tmp_path, **kwargs):
    return check_flags(source, CODE, tmp_path, path=VIEW, project="library", **kwargs)


def fixed(before, after, tmp_path, files=None):
    check_fixed(
        before,
        after,
        CODE,
        tmp_path,
        path=VIEW,
        files={**_folder_files(PROJECTS / "library"), **(files or {})},
    )


def test_nested_and_conditional_creations_are_flagged_without_fix(tmp_path):
    found = flags(
        """\
        from library.models import Tag

        def view(groups):
            for group in groups:
                for name in group:
                    if name:
                        Tag.objects.create(name=name)
        """,
        tmp_path,
    )
    assert [f.fix for f in found] == [None]


def test_loop_variable_read_after_the_loop_keeps_the_loop(tmp_path):
    [finding] = flags(
        """\
        from library.models import Tag

        def view(names):
            for name in names:
                Tag.objects.create(name=name)
            return name
        """,
        tmp_path,
    )
    assert finding.fix is None


def test_multi_table_inheritance_has_no_fix(tmp_path):
    models = (PROJECTS / "library/library/models.py").read_text() + (
        "\n\nclass SpecialTag(Tag):\n    colour = models.CharField(max_length=10)\n"
    )
    [finding] = flags(
        """\
        from library.models import SpecialTag

        def view(names):
            for name in names:
                SpecialTag.objects.create(name=name, colour="red")
        """,
        tmp_path,
        files={"library/models.py": models},
    )
    assert finding.fix is None


def test_custom_manager_is_kept(tmp_path):
    fixed(
        """\
        from library.models import Book

        def view(titles, author):
            for title in titles:
                Book.objects.create(title=title, author=author)
        """,
        """\
        from library.models import Book

        def view(titles, author):
            Book.objects.bulk_create(
                [Book(title=title, author=author) for title in titles],
                batch_size=1000,
            )
        """,
        tmp_path,
    )


def test_tests_and_get_or_create_are_not_flagged(tmp_path):
    check_noop(
        """\
        from library.models import Tag

        def test_tags():
            for name in "abc":
                Tag.objects.create(name=name)
        """,
        CODE,
        tmp_path,
        path="library/tests.py",
        project="library",
    )


def test_fallbacks_under_try_are_left_alone(tmp_path):
    check_noop(
        """\
        from library.models import Tag

        def view(names):
            tags = []
            for name in names:
                try:
                    tags.append(Tag.objects.get(name=name))
                except Tag.DoesNotExist:
                    tags.append(Tag.objects.create(name=name))
            return tags
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
    )
