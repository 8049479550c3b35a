"""DJV602 edge cases: which test classes count, when the fix is offered."""

from __future__ import annotations

from rules.harness import check, check_fixed, check_flags, check_noop

CODE = "DJV602"
TESTS = "library/tests.py"


def fix_of(source, tmp_path, **kwargs):
    [finding] = [
        d
        for d in check(source, CODE, tmp_path, path=TESTS, project="library", **kwargs)
        if d.code == CODE
    ]
    return finding.fix


def test_project_base_class_in_another_module(tmp_path):
    base = {
        "library/testing.py": "from django.test import TestCase\n\n\nclass BaseTest(TestCase):\n    pass\n"
    }
    check_flags(
        """\
        from library.models import Author
        from library.testing import BaseTest


        class AuthorTests(BaseTest):
            def setUp(self):
                self.author = Author.objects.create(name="U")
        """,
        CODE,
        tmp_path,
        path=TESTS,
        project="library",
        files=base,
    )


def test_transaction_test_case_base_in_another_module_is_fine(tmp_path):
    base = {
        "library/testing.py": "from django.test import TransactionTestCase\n\n\n"
        "class BaseTest(TransactionTestCase):\n    pass\n"
    }
    check_noop(
        """\
        from library.models import Author
        from library.testing import BaseTest


        class AuthorTests(BaseTest):
            def setUp(self):
                self.author = Author.objects.create(name="U")
        """,
        CODE,
        tmp_path,
        path=TESTS,
        project="library",
        files=base,
    )


def test_factories_are_rows(tmp_path):
    check_flags(
        """\
        from django.test import TestCase

        from library.factories import BookFactory


        class BookTests(TestCase):
            def setUp(self):
                self.books = BookFactory.create_batch(3)
        """,
        CODE,
        tmp_path,
        path=TESTS,
        project="library",
    )


def test_no_fix_when_a_kept_statement_reads_a_moved_local(tmp_path):
    source = """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            def setUp(self):
                author = Author.objects.create(name="U")
                self.client.force_login(author.user)
        """
    assert fix_of(source, tmp_path) is None


def test_no_fix_when_creation_uses_per_test_state(tmp_path):
    source = """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            def setUp(self):
                self.name = self.id()
                self.author = Author.objects.create(name=self.name)
        """
    assert fix_of(source, tmp_path) is None


def test_no_fix_when_a_subclass_overrides_setup_without_super(tmp_path):
    source = """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            def setUp(self):
                self.author = Author.objects.create(name="U")


        class OtherTests(AuthorTests):
            def setUp(self):
                self.other = 1
        """
    assert fix_of(source, tmp_path / "a") is None


def test_class_attributes_and_classmethods_move_along(tmp_path):
    check_fixed(
        """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            name = "Ursula"

            @staticmethod
            def mentor_of(name):
                return f"mentor of {name}"

            def setUp(self):
                super().setUp()
                self.author = Author.objects.create(name=self.name)
                self.mentor = Author.objects.create(name=self.mentor_of(self.author.name))

            def test_name(self):
                self.assertEqual(self.author.name, "Ursula")
        """,
        """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            name = "Ursula"

            @staticmethod
            def mentor_of(name):
                return f"mentor of {name}"

            @classmethod
            def setUpTestData(cls):
                super().setUpTestData()
                cls.author = Author.objects.create(name=cls.name)
                cls.mentor = Author.objects.create(name=cls.mentor_of(cls.author.name))

            def test_name(self):
                self.assertEqual(self.author.name, "Ursula")
        """,
        CODE,
        tmp_path,
        path=TESTS,
    )


def test_instance_helpers_block_the_move(tmp_path):
    source = """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            def make(self, name):
                return Author.objects.create(name=name)

            def setUp(self):
                self.author = self.make("U")
                Author.objects.create(name="V")
        """
    assert fix_of(source, tmp_path) is None


def test_no_fix_for_files_or_query_counts(tmp_path):
    files = """\
        from django.core.files.base import ContentFile
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            def setUp(self):
                self.author = Author.objects.create(name="U", photo=ContentFile(b"x", name="a.png"))
        """
    assert fix_of(files, tmp_path / "files") is None
    counts = """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            def setUp(self):
                self.author = Author.objects.create(name="U")

            def test_queries(self):
                with self.assertNumQueries(1):
                    Author.objects.get(pk=self.author.pk)
        """
    assert fix_of(counts, tmp_path / "counts") is None


def test_plain_data_stays_in_setup_without_blocking(tmp_path):
    check_fixed(
        """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            def setUp(self):
                self.url = reverse("authors")
                self.author = Author.objects.create(name="U")
        """,
        """\
        from django.test import TestCase

        from library.models import Author


        class AuthorTests(TestCase):
            @classmethod
            def setUpTestData(cls):
                super().setUpTestData()
                cls.author = Author.objects.create(name="U")

            def setUp(self):
                self.url = reverse("authors")
        """,
        CODE,
        tmp_path,
        path=TESTS,
    )
