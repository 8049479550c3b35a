from django.db import connection
from django.http import JsonResponse
from django.urls import path

from shop import views


def health(request):
    connection.ensure_connection()
    return JsonResponse({"status": "healthy"})


urlpatterns = [
    path("products/<int:pk>/", views.product_detail),
    path("categories/<int:pk>/restock/", views.restock_category),
    path("healthz/", health),
]
