"""Background jobs. The worker runs them with Celery; without Celery they run inline."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

try:
    from celery import shared_task
except ImportError:  # pragma: no cover - local development without a broker

    def shared_task(func):
        func.delay = func
        return func


@shared_task
def send_order_confirmation(order):
    lines = [
        f"{item.quantity} × {item.book.title} – £{item.line_total}"
        for item in order.items.all()
    ]
    body = render_to_string(
        "orders/confirmation_email.txt", {"order": order, "lines": lines}
    )
    send_mail(
        f"Your bookshop order #{order.pk}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [order.user.email],
    )
