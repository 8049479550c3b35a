"""DJV106 (DRF serializers): runtime proof and edge cases.

The runtime cases in `tests/rules/fixtures/DJV106/runtime/` define serializers and
views over the N+1 ground-truth project (`tests/djangoproject`) and serialize a view's
response at 2 and 5 rows. Each positive case grows with the rows, djvet reports exactly
its `# expect: DJV106` markers, and djvet's fix (unsafe ones included) makes the count
constant without changing the response. Negative cases are constant and clean.
"""

from __future__ import annotations

import pytest

from n1.djvet_bridge import finding_pairs, fix, project_index
from n1.runner import (
    case_sources,
    copy_project,
    expected_markers,
    install_cases,
    run_cases,
)
from rules.harness import FIXTURES, check

pytest.importorskip("rest_framework")

CODES = ("DJV106",)
RUNTIME = case_sources(FIXTURES / "DJV106" / "runtime")
POSITIVE = sorted(name for name in RUNTIME if name.startswith("pos_"))
NEGATIVE = sorted(name for name in RUNTIME if name.startswith("neg_"))


@pytest.fixture(scope="module")
def proof(tmp_path_factory: pytest.TempPathFactory):
    """(findings, original runs, fixed runs, edited files) for every runtime case."""
    project_dir = copy_project(tmp_path_factory.mktemp("drf"))
    paths = install_cases(project_dir, RUNTIME)
    project = project_index(project_dir, CODES)
    found = {name: finding_pairs(project, paths[name], CODES) for name in RUNTIME}
    edited = {name: sorted(fix(project, paths[name])) for name in POSITIVE}
    fixed = {name: paths[name].read_text(encoding="utf-8") for name in POSITIVE}
    return found, run_cases(RUNTIME), run_cases(fixed), edited, paths


@pytest.mark.parametrize("name", sorted(RUNTIME))
def test_findings_match_markers(proof, name: str) -> None:
    found = proof[0][name]
    assert found == expected_markers(RUNTIME[name])


@pytest.mark.parametrize("name", POSITIVE)
def test_positive_case_grows_and_the_fix_makes_it_constant(proof, name: str) -> None:
    _, originals, fixed, edited, paths = proof
    original = originals[name]
    assert original.error is None, original.describe()
    assert original.grows, original.describe()
    assert edited[name] == [str(paths[name])], f"fixes edited {edited[name]}"
    run = fixed[name]
    assert run.error is None, run.describe()
    assert run.constant, run.describe()
    assert run.results == original.results


@pytest.mark.parametrize("name", NEGATIVE)
def test_negative_case_is_constant(proof, name: str) -> None:
    run = proof[1][name]
    assert run.error is None, run.describe()
    assert run.constant, run.describe()


# -- static edge cases on the shared `library` project -----------------------------------
API = "library/api.py"
HEADER = """\
from rest_framework import generics, serializers, viewsets

from library.models import Author, Book
"""


def _found(source: str, tmp_path, **kwargs):
    return [
        d
        for d in check(
            HEADER + source, "DJV106", tmp_path, path=API, project="library", **kwargs
        )
        if d.code == "DJV106"
    ]


def test_hyperlink_by_another_field_reads_the_row(tmp_path):
    found = _found(
        """
class BookSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Book
        fields = ["url", "author", "publisher"]
        extra_kwargs = {"author": {"lookup_field": "name"}}


class Books(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
""",
        tmp_path,
    )
    assert [d.span.start_line for d in found] == [7, 12]
    assert "hyperlink by `name`" in found[0].message


def test_serializer_used_by_two_views_is_reported_per_view(tmp_path):
    found = _found(
        """
class BookSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = Book
        fields = ["id", "author"]


class Books(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookSerializer


class Published(generics.ListAPIView):
    queryset = Book.objects.filter(is_published=True).select_related("author")
    serializer_class = BookSerializer


class More(viewsets.ReadOnlyModelViewSet):
    queryset = Book.objects.order_by("title")
    serializer_class = BookSerializer
""",
        tmp_path,
    )
    # The field once (naming both views), and each view that misses it.
    assert sorted(d.span.start_line for d in found) == [5, 13, 23]
    assert "of `Books`, `More`" in next(
        d.message for d in found if d.span.start_line == 5
    )


def test_base_view_queryset_in_another_module_gets_an_unsafe_fix(tmp_path):
    base = (
        HEADER
        + """

class BaseBooks(generics.ListAPIView):
    queryset = Book.objects.all()
"""
    )
    found = _found(
        """
from library.base import BaseBooks


class BookSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = Book
        fields = ["id", "author"]


class Books(BaseBooks):
    serializer_class = BookSerializer

    def get_queryset(self):
        return super().get_queryset().filter(is_published=True)
""",
        tmp_path,
        files={"library/base.py": base},
    )
    view = [d for d in found if "load them" in d.message]
    assert view and view[0].fix is not None
    assert view[0].fix.applicability.name == "UNSAFE"
    assert {e.path for e in view[0].fix.edits} == {str(tmp_path / "library/base.py")}


def test_unknown_means_quiet(tmp_path):
    assert (
        _found(
            """
from taggit.serializers import TagListSerializerField

FIELDS = ["id", "author"]


class DynamicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = FIELDS
        depth = 1


class TaggedSerializer(serializers.ModelSerializer):
    tags = TagListSerializerField()
    writer = serializers.PrimaryKeyRelatedField(source="author", read_only=True)

    class Meta:
        model = Book
        fields = ["id", "tags", "writer"]


class Values(generics.ListAPIView):
    queryset = Book.objects.values("id", "author")
    serializer_class = DynamicSerializer


class Dynamic(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = DynamicSerializer


class Tagged(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = TaggedSerializer


class Detail(viewsets.ReadOnlyModelViewSet):
    queryset = Author.objects.all()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return AuthorDetailSerializer
        return AuthorListSerializer


class AuthorListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class AuthorDetailSerializer(serializers.ModelSerializer):
    mentor = serializers.StringRelatedField()

    class Meta:
        model = Author
        fields = ["id", "mentor"]
""",
            tmp_path,
        )
        == []
    )
