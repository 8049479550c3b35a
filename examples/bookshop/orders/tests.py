import json
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from catalog.models import Author, Book

from . import services
from .models import Order


class OrderFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("buyer", "buyer@example.com", "pw")
        author = Author.objects.create(name="N. K. Jemisin")
        cls.book = Book.objects.create(
            title="The Fifth Season", slug="the-fifth-season", isbn="9780316229296",
            author=author, price=Decimal("10.00"), stock=3,
        )

    def add_to_cart(self, quantity):
        return self.client.post(
            reverse("orders:cart-add", kwargs={"book_id": self.book.pk}), {"quantity": quantity}
        )

    def test_checkout_places_order_and_sends_confirmation(self):
        self.client.force_login(self.user)
        self.add_to_cart(2)
        response = self.client.post(reverse("orders:checkout"), {"shipping_address": "1 High St"})
        order = Order.objects.get(user=self.user)
        self.assertRedirects(response, order.get_absolute_url())
        self.assertEqual(order.total, Decimal("20.00"))
        self.book.refresh_from_db()
        self.assertEqual(self.book.stock, 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("The Fifth Season", mail.outbox[0].body)
        self.assertContains(self.client.get(order.get_absolute_url()), "N. K. Jemisin")

    def test_checkout_refuses_more_than_stock(self):
        self.client.force_login(self.user)
        self.add_to_cart(5)
        self.client.post(reverse("orders:checkout"), {"shipping_address": "1 High St"})
        self.assertFalse(Order.objects.exists())

    def test_payment_webhook_and_shipping(self):
        order = Order.objects.create(user=self.user, shipping_address="1 High St", total=10)
        response = self.client.post(
            reverse("orders:payment-webhook"),
            json.dumps({"order_id": order.pk, "status": "succeeded", "reference": "ch_123"}),
            content_type="application/json",
        )
        self.assertEqual(json.loads(response.content), {"ok": True, "order": order.pk})
        order.refresh_from_db()
        self.assertEqual(order.status, Order.Status.PAID)
        self.assertEqual(services.ship_paid_orders(), 1)
        self.assertEqual(services.daily_sales(date(2000, 1, 1))[0][1], 1)
