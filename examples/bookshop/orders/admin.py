from django.contrib import admin

from .models import Order, OrderItem


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    raw_id_fields = ("book",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "status", "total", "created_at", "paid_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    search_fields = ("id", "user__username", "user__email", "payment_reference")
    date_hierarchy = "created_at"
    inlines = [OrderItemInline]
