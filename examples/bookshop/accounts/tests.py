from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase
from django.urls import reverse


class SignupTests(TestCase):
    def test_signup_creates_profile_and_sends_welcome_mail(self):
        response = self.client.post(
            reverse("accounts:signup"),
            {
                "username": "newreader",
                "email": "new@example.com",
                "first_name": "Nia",
                "last_name": "Reader",
                "password1": "a very long passphrase",
                "password2": "a very long passphrase",
            },
        )
        self.assertRedirects(response, reverse("catalog:book-list"))
        user = get_user_model().objects.get(username="newreader")
        self.assertTrue(hasattr(user, "profile"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Nia", mail.outbox[0].body)


class ProfileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("reader", "reader@example.com", "pw")

    def test_profile_update(self):
        self.client.force_login(self.user)
        response = self.client.post(
            reverse("accounts:profile"),
            {"bio": "I read a lot.", "phone": "", "shipping_address": "1 High St", "newsletter": "on"},
        )
        self.assertRedirects(response, reverse("accounts:profile"))
        self.user.profile.refresh_from_db()
        self.assertEqual(self.user.profile.shipping_address, "1 High St")
        self.assertTrue(self.user.profile.newsletter)
