"""DJV403 edge cases: decorator order, mixins, other `cache_page` functions."""

from __future__ import annotations

from rules.harness import check_fixed, check_flags, check_noop

CODE = "DJV403"
VIEW = "library/views.py"


def test_vary_on_cookie_above_cache_page_comes_too_late(tmp_path):
    check_flags(
        """\
        from django.views.decorators.cache import cache_page
        from django.views.decorators.vary import vary_on_cookie


        @vary_on_cookie
        @cache_page(60)
        def inbox(request):
            return request.user.messages.all()
        """,
        CODE,
        tmp_path,
        path=VIEW,
    )


def test_access_mixin_on_a_cached_class_view(tmp_path):
    found = check_flags(
        """\
        from django.contrib.auth.mixins import LoginRequiredMixin
        from django.utils.decorators import method_decorator
        from django.views.decorators.cache import cache_page
        from django.views.generic import TemplateView


        @method_decorator(cache_page(60), name="dispatch")
        class Dashboard(LoginRequiredMixin, TemplateView):
            template_name = "dashboard.html"
        """,
        CODE,
        tmp_path,
        path=VIEW,
    )
    assert "LoginRequiredMixin" in found[0].message


def test_async_view_and_existing_vary_import(tmp_path):
    check_fixed(
        """\
        from django.views.decorators.cache import cache_page
        from django.views.decorators.vary import vary_on_headers


        @cache_page(60)
        async def inbox(request):
            user = await request.auser()
            return request.session["x"]
        """,
        """\
        from django.views.decorators.cache import cache_page
        from django.views.decorators.vary import vary_on_headers, vary_on_cookie


        @cache_page(60)
        @vary_on_cookie
        async def inbox(request):
            user = await request.auser()
            return request.session["x"]
        """,
        CODE,
        tmp_path,
        path=VIEW,
    )


def test_a_project_cache_page_helper_is_not_djangos(tmp_path):
    check_noop(
        """\
        from library.caching import cache_page


        @cache_page(60)
        def inbox(request):
            return request.user.messages.all()
        """,
        CODE,
        tmp_path,
        path=VIEW,
    )


def test_user_of_another_object_is_not_the_request_user(tmp_path):
    check_noop(
        """\
        from django.views.decorators.cache import cache_page


        @cache_page(60)
        def book(request, pk):
            book = Book.objects.get(pk=pk)
            return book.user.name
        """,
        CODE,
        tmp_path,
        path=VIEW,
    )


def test_user_read_only_when_writing_does_not_count(tmp_path):
    check_noop(
        """\
        from django.utils.decorators import method_decorator
        from django.views.decorators.cache import cache_page
        from rest_framework.viewsets import ModelViewSet


        class ImageViewSet(ModelViewSet):
            @method_decorator(cache_page(60))
            def dispatch(self, request, *args, **kwargs):
                return super().dispatch(request, *args, **kwargs)

            def perform_create(self, serializer):
                serializer.save(author=self.request.user)
        """,
        CODE,
        tmp_path,
        path=VIEW,
    )
