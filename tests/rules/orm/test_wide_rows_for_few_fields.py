"""DJV112 wide-rows-for-few-fields."""

from __future__ import annotations

from rules.harness import check_flags, check_noop

CODE = "DJV112"
VIEW = "library/views.py"


def test_properties_methods_and_unknown_attributes_keep_the_rows(tmp_path):
    check_noop(
        """\
        from library.models import Profile

        def view():
            for profile in Profile.objects.all():
                print(profile.user_id, profile.get_deferred_fields())
            for profile in Profile.objects.all():
                print(profile.nickname)
            for profile in Profile.objects.all():
                yield profile
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
    )


def test_message_names_the_wide_columns(tmp_path):
    [finding] = check_flags(
        """\
        from library.models import Profile

        def view():
            for profile in Profile.objects.all():
                print(profile.pk)
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
    )
    assert "`bio`" in finding.message
    assert finding.fix.edits[0].new_text == '.defer("bio")'


def test_init_reading_a_wide_column_keeps_it(tmp_path):
    from rules.harness import PROJECTS

    models = (
        (PROJECTS / "library/library/models.py")
        .read_text()
        .replace(
            "    bio = models.TextField()\n",
            "    bio = models.TextField()\n\n    def __init__(self, *args, **kwargs):\n"
            "        super().__init__(*args, **kwargs)\n        self._original_bio = self.bio\n",
        )
    )
    check_noop(
        """\
        from library.models import Profile

        def view():
            for profile in Profile.objects.all():
                print(profile.pk)
        """,
        CODE,
        tmp_path,
        path=VIEW,
        project="library",
        files={"library/models.py": models},
    )
