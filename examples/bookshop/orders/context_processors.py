from .cart import Cart


def cart(request):
    return {"cart_size": len(Cart(request.session))}
