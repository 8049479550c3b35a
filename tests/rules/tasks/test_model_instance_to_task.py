"""DJV702: the task is found across files, and the fix changes the task with every call site."""

from __future__ import annotations

import textwrap

from djvet.core.model import Applicability
from rules.tasks._helpers import findings, fixed

MODELS = """
from django.db import models


class Order(models.Model):
    total = models.IntegerField(default=0)
"""
SETTINGS = """
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]
"""
TASKS = """
from celery import shared_task


@shared_task
def send_receipt(order):
    print(order.total)
"""
VIEWS = """
from django.shortcuts import get_object_or_404

from shop.models import Order
from shop.tasks import send_receipt


def checkout(request, pk):
    order = get_object_or_404(Order, pk=pk)
    send_receipt.delay(order)
"""


def _files(**extra: str) -> dict[str, str]:
    return {
        "mysite/settings.py": SETTINGS,
        "shop/models.py": MODELS,
        "shop/tasks.py": TASKS,
        "shop/views.py": VIEWS,
        **extra,
    }


def test_fix_changes_the_task_and_every_call_site(tmp_path):
    service = """
    from shop.models import Order
    from shop import tasks


    def nightly():
        for order in Order.objects.filter(total=0):
            tasks.send_receipt.apply_async(kwargs={"order": order}, countdown=60)
    """
    files = fixed(
        tmp_path, _files(**{"shop/services.py": service}), "shop/views.py", "DJV702"
    )
    assert "send_receipt.delay(order.pk)" in files["shop/views.py"]
    assert 'kwargs={"order_id": order.pk}' in files["shop/services.py"]
    assert files["shop/tasks.py"] == textwrap.dedent("""
        from celery import shared_task
        from .models import Order


        @shared_task
        def send_receipt(order_id):
            order = Order.objects.get(pk=order_id)
            print(order.total)
        """)


def test_a_chain_signature_leaves_only_a_message(tmp_path):
    # `.s(order)` in a chain receives the previous result first: its position is unknown.
    canvas = """
    from celery import chain

    from shop.models import Order
    from shop.tasks import send_receipt


    def later(order_id):
        order = Order.objects.get(pk=order_id)
        chain(send_receipt.s(order)).delay()
    """
    found = findings(
        tmp_path, _files(**{"shop/canvas.py": canvas}), "shop/views.py", "DJV702"
    )
    assert len(found) == 1 and found[0].fix is None


def test_a_caller_passing_an_id_blocks_the_fix(tmp_path):
    other = """
    from shop.tasks import send_receipt


    def resend(order_id):
        send_receipt.delay(order_id)
    """
    found = findings(
        tmp_path, _files(**{"shop/resend.py": other}), "shop/views.py", "DJV702"
    )
    assert len(found) == 1 and found[0].fix is None


def test_app_task_of_a_celery_app_in_another_module(tmp_path):
    celery_app = """
    from celery import Celery

    worker = Celery("shop")
    """
    tasks = """
    from shop.celery_app import worker


    @worker.task(queue="mail")
    def send_receipt(order):
        print(order.total)
    """
    found = findings(
        tmp_path,
        _files(**{"shop/celery_app.py": celery_app, "shop/tasks.py": tasks}),
        "shop/views.py",
        "DJV702",
    )
    assert [d.message for d in found] == [
        "Model instance `order` (`Order`) passed to task `send_receipt`; pass its `pk`"
    ]
    assert (
        found[0].fix is not None and found[0].fix.applicability is Applicability.UNSAFE
    )


def test_request_user_and_signal_instances(tmp_path):
    receivers = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    from shop.models import Order
    from shop.tasks import send_receipt


    @receiver(post_save, sender=Order)
    def order_saved(sender, instance, created, **kwargs):
        send_receipt.delay(instance)
    """
    found = findings(
        tmp_path,
        _files(**{"shop/receivers.py": receivers}),
        "shop/receivers.py",
        "DJV702",
    )
    assert len(found) == 1
    user_view = """
    from shop.tasks import send_receipt


    def profile(request):
        send_receipt.delay(request.user)
    """
    found = findings(
        tmp_path / "user",
        _files(**{"shop/views.py": user_view}),
        "shop/views.py",
        "DJV702",
    )
    assert [d.span.start_column for d in found] == [23]


def test_values_ids_and_unknown_objects_are_quiet(tmp_path):
    view = """
    from shop.models import Order
    from shop.tasks import send_receipt


    def checkout(request, pk, payload):
        send_receipt.delay(pk)
        send_receipt.delay(payload)
        send_receipt.delay(Order.objects.values("total").get(pk=pk))
        send_receipt.delay(Order.objects.get(pk=pk).total)
    """
    assert (
        findings(tmp_path, _files(**{"shop/views.py": view}), "shop/views.py", "DJV702")
        == []
    )


def test_a_local_function_named_like_a_task_is_not_a_task(tmp_path):
    view = """
    from shop.models import Order


    class Mailer:
        def delay(self, order):
            return order


    def send_receipt(order):
        return order


    def checkout(request, pk):
        order = Order.objects.get(pk=pk)
        Mailer().delay(order)
        send_receipt(order)
    """
    assert (
        findings(tmp_path, _files(**{"shop/views.py": view}), "shop/views.py", "DJV702")
        == []
    )


def test_instances_handed_to_on_commit_through_partial(tmp_path):
    view = """
    from functools import partial

    from django.db import transaction

    from shop.models import Order
    from shop.tasks import send_receipt


    def checkout(request, pk):
        order = Order.objects.get(pk=pk)
        transaction.on_commit(partial(send_receipt.delay, order))
    """
    found = findings(
        tmp_path, _files(**{"shop/views.py": view}), "shop/views.py", "DJV702"
    )
    assert [d.span.start_line for d in found] == [11]
