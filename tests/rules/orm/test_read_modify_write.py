"""DJV114 read-modify-write."""

from __future__ import annotations

from rules.harness import PROJECTS, _folder_files, check_fixed, check_flags, check_noop

CODE = "DJV114"
VIEW = "library/views.py"
MODELS = (PROJECTS / "library/library/models.py").read_text() + (
    "\n\nclass Counter(models.Model):\n    hits = models.IntegerField(default=0)\n"
    "    label = models.CharField(max_length=10)\n\n    objects = models.Manager()\n"
)
FILES = {**_folder_files(PROJECTS / "library"), "library/models.py": MODELS}


def test_models_alias_gives_models_f(tmp_path):
    check_fixed(
        """\
        from django.db import models

        from library.models import Counter

        def hit(pk):
            counter = Counter.objects.get(pk=pk)
            counter.hits = counter.hits + 1
            counter.save()
        """,
        """\
        from django.db import models

        from library.models import Counter

        def hit(pk):
            counter = Counter.objects.get(pk=pk)
            Counter.objects.filter(pk=counter.pk).update(hits=models.F("hits") + 1)
        """,
        CODE,
        tmp_path,
        path=VIEW,
        files=FILES,
    )


def test_self_in_a_model_method(tmp_path):
    models = (
        MODELS
        + "\n    def hit(self):\n        self.hits += 1\n        self.save(update_fields=['hits'])\n"
    )
    [finding] = check_flags(
        models, CODE, tmp_path, path="library/models.py", files=FILES
    )
    assert "`self.hits`" in finding.message
    assert "Counter.objects.filter(pk=self.pk)" in finding.fix.edits[
        -1
    ].new_text or any(
        "Counter.objects.filter(pk=self.pk)" in e.new_text for e in finding.fix.edits
    )


def test_other_saves_and_other_owners(tmp_path):
    check_noop(
        """\
        from library.models import Counter

        def view(pk, other):
            counter = Counter.objects.get(pk=pk)
            counter.hits += 1
            counter.save(using="replica")
            again = Counter.objects.get(pk=pk)
            again.hits += 1
            other.save()
        """,
        CODE,
        tmp_path,
        path=VIEW,
        files=FILES,
    )
