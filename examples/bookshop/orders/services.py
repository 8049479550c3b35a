"""Order placement, fulfilment and reporting."""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from catalog.models import Book

from .models import Order, OrderItem
from .tasks import send_order_confirmation


class OutOfStock(Exception):
    pass


@transaction.atomic
def place_order(user, cart, shipping_address):
    order = Order.objects.create(user=user, shipping_address=shipping_address)
    total = Decimal("0.00")
    for book_id, quantity in cart.items.items():
        book = Book.objects.get(pk=book_id)
        if book.stock < quantity:
            raise OutOfStock(f"Only {book.stock} left of {book.title}")
        OrderItem.objects.create(order=order, book=book, quantity=quantity, unit_price=book.price)
        book.stock -= quantity
        book.save()
        total += book.price * quantity
    order.total = total
    order.save()
    send_order_confirmation.delay(order)
    return order


def mark_paid(order, reference):
    order.status = Order.Status.PAID
    order.payment_reference = reference
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "payment_reference", "paid_at"])


def ship_paid_orders():
    shipped = 0
    for order in Order.objects.filter(status=Order.Status.PAID):
        order.status = Order.Status.SHIPPED
        order.shipped_at = timezone.now()
        order.save()
        shipped += 1
    return shipped


def order_with_items(user, pk):
    return (
        Order.objects.filter(user=user)
        .prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.select_related("book__author"))
        )
        .get(pk=pk)
    )


def daily_sales(since):
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT date(created_at) AS day, COUNT(*), SUM(total)
            FROM orders_order
            WHERE status IN ('paid', 'shipped') AND created_at >= '{since}'
            GROUP BY day
            ORDER BY day
            """
        )
        return cursor.fetchall()
