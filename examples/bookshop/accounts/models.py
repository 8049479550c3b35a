from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)

    def __str__(self):
        return self.get_full_name() or self.username


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    bio = models.TextField(blank=True)
    phone = models.CharField(max_length=32, null=True, blank=True)
    shipping_address = models.TextField(blank=True)
    newsletter = models.BooleanField(default=False)

    def __str__(self):
        return f"Profile of {self.user}"
