from __future__ import annotations

from django.db import models


class Place(models.Model):
    name = models.CharField(max_length=50)
    address = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class ItalianRestaurant(Restaurant):
    serves_gnocchi = models.BooleanField(default=False)


class Bar(Place):
    place = models.OneToOneField(
        Place, parent_link=True, on_delete=models.CASCADE, related_name="bar_details"
    )
    happy_hour = models.BooleanField(default=False)


class Menu(models.Model):
    restaurant = models.ForeignKey("places.Restaurant", on_delete=models.CASCADE, related_name="menus")
