"""DJV703 (version-aware async ORM), DJV705 (on_commit), DJV701/DJV704 edge cases."""

from __future__ import annotations

from djvet.core.model import Applicability
from rules.harness import PROJECTS, _folder_files
from rules.tasks._helpers import findings, fixed

LIBRARY = _folder_files(PROJECTS / "library")


def _view(source: str) -> dict[str, str]:
    return {**LIBRARY, "library/views.py": source}


# -- DJV703 ------------------------------------------------------------------------------
ASYNC_VIEW = """
from library.models import Author, Book


async def detail(request, pk):
    book = Book.objects.get(pk=pk)
    author = Author.objects.get(pk=1)
    author.books.add(book)
    return book
"""


def test_old_django_gets_sync_to_async(tmp_path):
    files = fixed(
        tmp_path,
        _view(ASYNC_VIEW),
        "library/views.py",
        "DJV703",
        {"django-version": "3.2"},
    )
    view = files["library/views.py"]
    assert "book = await sync_to_async(Book.objects.get)(pk=pk)" in view
    assert "await sync_to_async(author.books.add)(book)" in view
    assert "from asgiref.sync import sync_to_async" in view


def test_related_manager_methods_need_django_4_2(tmp_path):
    found = findings(
        tmp_path,
        _view(ASYNC_VIEW),
        "library/views.py",
        "DJV703",
        {"django-version": "4.1"},
    )
    by_line = {d.span.start_line: d.fix for d in found}
    assert by_line[5].applicability is Applicability.SAFE  # aget: 4.1
    assert by_line[7].title == "Run it with `await sync_to_async(...)`"  # aadd: 4.2
    files = fixed(
        tmp_path / "new",
        _view(ASYNC_VIEW),
        "library/views.py",
        "DJV703",
        {"django-version": "4.2"},
    )
    assert "await author.books.aadd(book)" in files["library/views.py"]


def test_a_guessed_version_makes_the_fix_unsafe(tmp_path):
    # No `django-version`, no project interpreter: the Django next to djvet is a guess.
    found = findings(tmp_path, _view(ASYNC_VIEW), "library/views.py", "DJV703")
    assert found and all(d.fix.applicability is Applicability.UNSAFE for d in found)


def test_generator_expressions_and_wrapped_calls(tmp_path):
    source = """
    from asgiref.sync import sync_to_async

    from library.models import Book


    async def titles(request):
        joined = ", ".join(b.title for b in Book.objects.all())
        first = await sync_to_async(Book.objects.first)()
        rows = await sync_to_async(list)(Book.objects.all())
        return joined, first, rows
    """
    found = findings(
        tmp_path, _view(source), "library/views.py", "DJV703", {"django-version": "5.2"}
    )
    assert [(d.span.start_line, d.fix) for d in found] == [(7, None)]


def test_sync_functions_and_nested_defs_are_quiet(tmp_path):
    source = """
    from library.models import Book


    def sync_view(request):
        return Book.objects.get(pk=1)


    async def outer(request):
        def inner():
            return Book.objects.count()
        return inner
    """
    assert findings(tmp_path, _view(source), "library/views.py", "DJV703") == []


# -- DJV705 ------------------------------------------------------------------------------
TASKS = """
from celery import shared_task


@shared_task
def notify(book_id):
    print(book_id)
"""


def test_on_commit_keeps_the_database_of_the_atomic_block(tmp_path):
    source = """
    from django.db import transaction

    from library.tasks import notify


    def publish(book):
        with transaction.atomic(using="replica"):
            book.save(using="replica")
            notify.delay(book.pk)
    """
    files = fixed(
        tmp_path,
        {"library/tasks.py": TASKS, "library/services.py": source},
        "library/services.py",
        "DJV705",
    )
    assert (
        'transaction.on_commit(partial(notify.delay, book.pk), using="replica")'
        in files["library/services.py"]
    )


def test_atomic_requests_views_after_a_write(tmp_path):
    settings = """
    INSTALLED_APPS = ["django.contrib.auth", "library"]
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "ATOMIC_REQUESTS": True}}
    """
    view = """
    from django.db import transaction

    from library.tasks import notify


    def publish(request, pk):
        request.user.save()
        notify.delay(pk)


    def read_only(request, pk):
        notify.delay(pk)


    @transaction.non_atomic_requests
    def opted_out(request, pk):
        request.user.save()
        notify.delay(pk)
    """
    files = {
        "mysite/settings.py": settings,
        "library/tasks.py": TASKS,
        "library/views.py": view,
    }
    found = findings(tmp_path, files, "library/views.py", "DJV705")
    assert [(d.span.start_line, d.message) for d in found] == [
        (
            8,
            "`notify.delay()` after a write under `ATOMIC_REQUESTS` may run before the transaction commits",
        )
    ]


# -- DJV701 / DJV704 ---------------------------------------------------------------------
def test_queued_email_backend_makes_send_mail_fine(tmp_path):
    settings = """
    INSTALLED_APPS = ["django.contrib.auth", "djcelery_email"]
    EMAIL_BACKEND = "djcelery_email.backends.CeleryEmailBackend"
    """
    view = """
    from django.core.mail import send_mail


    def contact(request):
        send_mail("Hi", "Body", "a@example.com", ["b@example.com"])
    """
    files = {"mysite/settings.py": settings, "library/views.py": view}
    assert findings(tmp_path, files, "library/views.py", "DJV701") == []


def test_view_hooks_and_blocking_http_in_consumers(tmp_path):
    view = """
    import requests
    from django.views.generic import FormView


    class SignupView(FormView):
        def form_valid(self, form):
            requests.post("https://crm.example.com/leads", json=form.cleaned_data, timeout=5)
            return super().form_valid(form)


    class Consumer:
        async def receive(self, text_data):
            requests.get("https://api.example.com", timeout=5)
    """
    files = {"library/views.py": view}
    assert [
        d.span.start_line
        for d in findings(tmp_path, files, "library/views.py", "DJV701")
    ] == [7]
    assert [
        d.span.start_line
        for d in findings(tmp_path / "b", files, "library/views.py", "DJV704")
    ] == [13]


def test_an_atomic_block_without_a_write_has_nothing_to_wait_for(tmp_path):
    source = """
    from django.db import transaction

    from library.tasks import notify


    def pinned_replica(book_ids):
        with transaction.atomic(using="replica", savepoint=False):
            missing = [pk for pk in book_ids if pk]
            notify.apply_async(kwargs={"book_id": missing[0]})
            settings = {}
            settings.update(debug=True)
            notify.delay(1)
    """
    files = {"library/tasks.py": TASKS, "library/services.py": source}
    assert findings(tmp_path, files, "library/services.py", "DJV705") == []


def test_a_variable_assigned_from_itself_does_not_loop(tmp_path):
    view = """
    import requests


    def proxy(request):
        reply = requests.get("https://api.example.com", timeout=5)
        reply = reply.json()
        reply = reply.get("data")
        return reply
    """
    found = findings(tmp_path, {"library/views.py": view}, "library/views.py", "DJV701")
    assert [d.span.start_line for d in found] == [5]


def test_blocking_call_inside_a_chain_through_a_helper(tmp_path):
    view = """
    import requests


    def stats():
        return requests.get("https://api.github.com/repos/x/y", timeout=5).json()


    def landing(request):
        return stats()
    """
    found = findings(tmp_path, {"library/views.py": view}, "library/views.py", "DJV701")
    assert [(d.span.start_line, d.message) for d in found] == [
        (
            9,
            "`stats()` calls a remote server (`requests.get()`) while the request waits; use a background task",
        )
    ]
