"""Runs N+1 cases inside the ground-truth Django project (a subprocess of `runner.py`).

Usage: `python child.py JOBS.json OUT.json`, with the project directory as the working
directory and on `PYTHONPATH`, and `DJANGO_SETTINGS_MODULE` set. For every job and every
size n, in one transaction that is rolled back afterwards: seed n rows per table, then
call the case's `run()` (or GET the view's URL) under `CaptureQueriesContext`.
"""

from __future__ import annotations

import html
import importlib
import json
import re
import sys
import traceback
from typing import Any

import django

django.setup()

from django.core.management import call_command  # noqa: E402 - needs django.setup()
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)
from library.models import (  # noqa: E402
    Author,
    Book,
    Chapter,
    Profile,
    Publisher,
    Review,
    Tag,
    User,
)

CASES_PACKAGE = "cases"


def seed(n: int) -> None:
    """n users, profiles, publishers, tags, authors, books; 2 tags, chapters, reviews a book.

    Every author has a mentor (circular) and a user, every book a publisher: nullable
    relations hold values, so reading them costs a query unless loaded. Books with an
    even index are published.
    """
    users = [
        User.objects.create(username=f"user{i}", email=f"user{i}@example.com")
        for i in range(n)
    ]
    for user in users:
        Profile.objects.create(user=user, bio=f"Bio of {user.username}")
    publishers = [Publisher.objects.create(name=f"Publisher {i}") for i in range(n)]
    tags = [Tag.objects.create(name=f"tag{i}") for i in range(n)]
    authors = [
        Author.objects.create(name=f"Author {i}", user=users[i]) for i in range(n)
    ]
    for i, author in enumerate(authors):
        author.mentor = authors[(i + 1) % n]
        author.save(update_fields=["mentor"])
    for i in range(n):
        book = Book.objects.create(
            title=f"Book {i}",
            is_published=i % 2 == 0,
            body=f"The text of book {i}.",
            author=authors[i],
            publisher=publishers[i],
            created_by=users[i],
        )
        book.tags.set([tags[i], tags[(i + 1) % n]])
        for number in (1, 2):
            Chapter.objects.create(
                book=book,
                editor=authors[(i + number) % n],
                created_by=users[i],
                title=f"Book {i}, chapter {number}",
                number=number,
            )
            Review.objects.create(
                book=book, rating=number + 2, text=f"Review {number} of book {i}"
            )


def run_case(name: str) -> Any:
    module_name = f"{CASES_PACKAGE}.{name}"
    # A fresh module for every size: module-level state never leaks between runs.
    sys.modules.pop(module_name, None)
    module = importlib.import_module(module_name)
    with CaptureQueriesContext(connection) as captured:
        value = module.run()
    return value, captured


def page_text(content: str) -> str:
    """The visible text of a page (the admin's result table only), whitespace collapsed."""
    table = re.search(r'<table id="result_list">.*?</table>', content, re.S)
    if table:
        content = table.group(0)
    text = re.sub(r"<[^>]+>", " ", content)
    return " ".join(html.unescape(text).split())


def run_view(url: str, login: bool) -> Any:
    client = Client()
    if login:
        admin = User.objects.create(username="admin", is_staff=True, is_superuser=True)
        client.force_login(admin)
    # Warm-up: process-wide caches (content types, template loaders) fill here.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: status {response.status_code}")
    return page_text(response.content.decode()), captured


def measure(job: dict[str, Any], n: int) -> dict[str, Any]:
    with transaction.atomic():
        seed(n)
        if job["kind"] == "view":
            value, captured = run_view(job["url"], job.get("login", False))
        else:
            value, captured = run_case(job["name"])
        transaction.set_rollback(True)
    try:
        result = json.loads(json.dumps(value))
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"run() must return JSON-able data, got {type(value).__name__}"
        ) from error
    return {
        "queries": len(captured),
        "result": result,
        "sql": [q["sql"] for q in captured],
    }


def run_job(job: dict[str, Any], sizes: list[int]) -> dict[str, Any]:
    outcome: dict[str, Any] = {"name": job["name"], "sizes": {}, "error": None}
    for n in sizes:
        try:
            outcome["sizes"][str(n)] = measure(job, n)
        except Exception:
            outcome["error"] = f"n={n}: {traceback.format_exc()}"
            break
    return outcome


def main(jobs_path: str, out_path: str) -> None:
    setup_test_environment()
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    with open(jobs_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    outcomes = [run_job(job, spec["sizes"]) for job in spec["jobs"]]
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(outcomes, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
