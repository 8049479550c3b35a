import json
import logging
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from catalog.models import Book

from . import services
from .cart import Cart
from .models import Order

logger = logging.getLogger(__name__)


def cart_detail(request):
    cart = Cart(request.session)
    books = Book.objects.in_bulk([int(pk) for pk in cart.items])
    lines = [
        {"book": books[int(pk)], "quantity": qty, "total": books[int(pk)].price * qty}
        for pk, qty in cart.items.items()
        if int(pk) in books
    ]
    return render(request, "orders/cart.html", {"lines": lines, "total": sum(line["total"] for line in lines)})


@csrf_exempt
@require_POST
def add_to_cart(request, book_id):
    book = get_object_or_404(Book, pk=book_id, is_published=True)
    Cart(request.session).add(book.pk, int(request.POST.get("quantity", 1)))
    messages.success(request, f"{book.title} is in your basket.")
    return redirect(request.POST.get("next") or "orders:cart")


@login_required
def checkout(request):
    cart = Cart(request.session)
    if not cart:
        messages.info(request, "Your basket is empty.")
        return redirect("catalog:book-list")
    pending = Order.objects.filter(user=request.user, status=Order.Status.PENDING)
    if pending.exists():
        messages.warning(request, "You still have an unpaid order; it will be cancelled after 24 hours.")
    if request.method == "POST":
        address = request.POST.get("shipping_address", "").strip()
        if not address:
            messages.error(request, "Please enter a shipping address.")
        else:
            try:
                order = services.place_order(request.user, cart, address)
            except services.OutOfStock as exc:
                messages.error(request, str(exc))
            else:
                cart.clear()
                return redirect(order)
    return render(request, "orders/checkout.html", {"cart": cart})


class OrderListView(LoginRequiredMixin, ListView):
    template_name = "orders/order_list.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return Order.objects.filter(user=self.request.user).prefetch_related("items")


@login_required
def order_detail(request, pk):
    try:
        order = services.order_with_items(request.user, pk)
    except Order.DoesNotExist:
        raise Http404("No such order") from None
    return render(request, "orders/order_detail.html", {"order": order})


@csrf_exempt
@require_POST
def payment_webhook(request):
    payload = json.loads(request.body or b"{}")
    try:
        order = Order.objects.get(pk=payload["order_id"])
    except (KeyError, Order.DoesNotExist):
        return HttpResponse(json.dumps({"ok": False}), status=400, content_type="application/json")
    if payload.get("status") == "succeeded":
        services.mark_paid(order, payload.get("reference", ""))
        logger.info("Order %s paid", order.pk)
    return HttpResponse(json.dumps({"ok": True, "order": order.pk}), content_type="application/json")


@staff_member_required
def sales_report(request):
    since = request.GET.get("since") or (date.today() - timedelta(days=30)).isoformat()
    rows = services.daily_sales(since)
    return render(request, "orders/sales_report.html", {"rows": rows, "since": since})
