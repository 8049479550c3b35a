"""The tree helpers every rule leans on: node indexes by type and name lookups by
position must answer exactly what a plain walk of the tree answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from djvet.core.document import parse_python
from djvet.core.parso_utils import iter_nodes, uses_between, uses_in

VIEWS = Path(__file__).resolve().parents[1] / "djangoproject" / "library" / "views.py"
MODULE = """\
import json


class BookList(View):
    def get(self, request):
        books = Book.objects.all()
        request = request or None
        for book in books:
            print(book, request, [request for _ in books])
        return render(request, "x.html", {"books": books})


def helper(request):
    data = json.loads(request.body)
    return request, data


request = "module level"
"""


def _walked(tree, types):
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if node.type in types:
            found.append(node)
        stack.extend(reversed(getattr(node, "children", [])))
    return found


@pytest.mark.parametrize(
    "types",
    [
        {"funcdef"},
        {"atom_expr", "power", "classdef"},
        {"for_stmt", "sync_comp_for", "expr_stmt"},
        {"comparison", "atom_expr", "power", "name"},  # names are filed too
        {"keyword", "operator"},  # other leaves are walked for
    ],
)
def test_a_modules_nodes_by_type_come_in_document_order(types):
    texts = [MODULE] + ([VIEWS.read_text()] if VIEWS.exists() else [])
    for text in texts:
        tree = parse_python(text)
        assert list(iter_nodes(tree, types)) == _walked(tree, types)
        assert list(iter_nodes(tree, types)) == _walked(tree, types)  # cached


def test_uses_of_a_name_are_found_by_position():
    tree = parse_python(MODULE)
    get, helper = list(iter_nodes(tree, {"funcdef"}))
    every = tree.get_used_names()["request"]

    def walked(scope):
        return [n for n in every if scope.start_pos <= n.start_pos < scope.end_pos]

    assert uses_in(get, "request") == walked(get)
    assert len(uses_in(get, "request")) == 6
    assert uses_in(helper, "request") == walked(helper)
    assert uses_in(tree, "request") == list(every)
    call = next(n for n in iter_nodes(helper, {"atom_expr"}) if "loads" in n.get_code())
    between = uses_between(helper, "request", helper.start_pos, call.start_pos)
    assert [n.start_pos for n in between] == [helper.children[2].children[1].start_pos]
