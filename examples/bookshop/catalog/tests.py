import json

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from . import services
from .models import Author, Book, Chapter, Review, Tag


class CatalogViewTests(TestCase):
    fixtures = ["sample_catalog.json"]

    def setUp(self):
        cache.clear()
        self.user = get_user_model().objects.create_user(
            "reader", "reader@example.com", "correct horse battery staple"
        )
        self.book = Book.objects.get(slug="a-wizard-of-earthsea")
        Chapter.objects.create(book=self.book, number=1, title="Warriors in the Mist", editor=self.user)
        Chapter.objects.create(book=self.book, number=2, title="The Shadow")

    def test_book_list_shows_published_books(self):
        Book.objects.filter(slug="guards-guards").update(is_published=False)
        response = self.client.get(reverse("catalog:book-list"))
        self.assertContains(response, "A Wizard of Earthsea")
        self.assertContains(response, "Ursula K. Le Guin")
        self.assertNotContains(response, "Guards! Guards!")

    def test_book_list_filters_by_tag(self):
        self.book.tags.add(Tag.objects.get(slug="children"))
        response = self.client.get(reverse("catalog:book-list"), {"tag": "children"})
        self.assertContains(response, "A Wizard of Earthsea")
        self.assertNotContains(response, "Guards! Guards!")

    def test_book_detail_lists_chapters(self):
        response = self.client.get(self.book.get_absolute_url())
        self.assertContains(response, "Warriors in the Mist")
        self.assertContains(response, "ed. reader")

    def test_author_pages(self):
        response = self.client.get(reverse("catalog:author-list"))
        self.assertContains(response, "Terry Pratchett")
        author = Author.objects.get(name="Ursula K. Le Guin")
        response = self.client.get(author.get_absolute_url())
        self.assertContains(response, "The Shadow")

    def test_reader_can_review_once(self):
        self.client.force_login(self.user)
        url = reverse("catalog:book-review", kwargs={"slug": self.book.slug})
        self.client.post(url, {"rating": 5, "body": "A classic."})
        self.client.post(url, {"rating": 1, "body": "Changed my mind."})
        self.assertEqual(Review.objects.filter(book=self.book).count(), 1)
        response = self.client.get(self.book.get_absolute_url())
        self.assertContains(response, "A classic.")
        self.assertNotContains(response, "Write a review")

    def test_lookup_by_isbn(self):
        response = self.client.get(reverse("catalog:book-lookup"), {"isbn": "978-0547773742"})
        self.assertEqual(response.status_code, 200)
        data = json.loads(response.content)
        self.assertEqual(data["title"], "A Wizard of Earthsea")
        self.assertEqual(data["author_id"], self.book.author_id)

    def test_lookup_unknown_isbn(self):
        response = self.client.get(reverse("catalog:book-lookup"), {"isbn": "0000000000000"})
        self.assertEqual(response.status_code, 404)

    def test_dashboard_is_staff_only(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(reverse("catalog:dashboard")).status_code, 302)
        self.user.is_staff = True
        self.user.save()
        response = self.client.get(reverse("catalog:dashboard"))
        self.assertContains(response, "2 published books")
        self.assertContains(response, "reader")


class CatalogServiceTests(TestCase):
    fixtures = ["sample_catalog.json"]

    def setUp(self):
        cache.clear()

    def test_export_rows(self):
        rows = services.export_rows()
        self.assertEqual(rows[0][0], "ISBN")
        self.assertIn(["9780552166669", "Guards! Guards!", "Terry Pratchett", "Gollancz", "8.99", 0], rows)

    def test_tag_cloud_is_invalidated_when_tags_change(self):
        self.assertEqual([t["slug"] for t in services.tag_cloud()], ["fantasy"])
        Book.objects.get(pk=1).tags.add(Tag.objects.create(name="Classics", slug="classics"))
        self.assertEqual([t["slug"] for t in services.tag_cloud()], ["classics", "fantasy"])

    def test_author_publication_counts(self):
        self.assertEqual(
            services.author_publication_counts(), {"Terry Pratchett": 1, "Ursula K. Le Guin": 1}
        )
