"""Async views written the synchronous way: every one raises SynchronousOnlyOperation
until djvet's DJV703 fix rewrites it to the async ORM."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from shop.models import Category, Product


async def product_detail(request, pk):
    product = Product.objects.get(pk=pk)
    product.views = product.views + 1
    product.save()
    siblings = [p.name for p in Product.objects.filter(category_id=product.category_id).exclude(pk=pk)]
    total = Product.objects.count()
    first = Product.objects.order_by("name").first()
    return JsonResponse({
        "name": product.name,
        "views": product.views,
        "siblings": sorted(siblings),
        "total": total,
        "first": first.name,
    })


async def restock_category(request, pk):
    category = get_object_or_404(Category, pk=pk)
    restocked = []
    for product in Product.objects.filter(category=category).order_by("name"):
        product.stock = product.stock + 10
        product.save()
        restocked.append(product.name)
    empty = Product.objects.filter(category=category, stock=0).exists()
    names = list(Product.objects.filter(category=category).values_list("name", flat=True))
    return JsonResponse({"category": category.name, "restocked": restocked, "empty": empty,
                         "names": sorted(names)})
