from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="order-list"),
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/<int:book_id>/", views.add_to_cart, name="cart-add"),
    path("checkout/", views.checkout, name="checkout"),
    path("webhooks/payment/", views.payment_webhook, name="payment-webhook"),
    path("reports/sales/", views.sales_report, name="sales-report"),
    path("<int:pk>/", views.order_detail, name="order-detail"),
]
