from __future__ import annotations

from django.conf import settings
from django.db import models
from library import models as library_models

from .fields import OwnerField


class Audited(models.Model):
    audited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="%(app_label)s_%(class)s_audits",
    )

    class Meta:
        abstract = True


class Product(models.Model):
    book = models.ForeignKey(library_models.Book, null=True, on_delete=models.SET_NULL)
    sku = models.CharField(max_length=20, unique=True)


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")


class Order(models.Model):
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
    items = models.ManyToManyField(ProductVariant, through="OrderLine", related_name="orders")


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    variant = models.ForeignKey("store.ProductVariant", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=1)


class Coupon(Audited):
    code = models.CharField(max_length=20)


class NoNotes:
    notes = None


class Noted(models.Model):
    notes = models.TextField()

    class Meta:
        abstract = True


class Receipt(NoNotes, Noted):
    total = models.DecimalField(max_digits=8, decimal_places=2)


class Invoice(Noted):
    notes = None
    number = models.CharField(max_length=20)


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    sender = OwnerField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent")
    reference = models.CharField(max_length=20, name="tracking")

    class Meta:
        order_with_respect_to = "order"


class Membership(models.Model):
    pk = models.CompositePrimaryKey("order_id", "variant_id")
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE)
