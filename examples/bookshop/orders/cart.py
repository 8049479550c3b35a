"""A session-backed shopping cart: {book_id (str): quantity}."""

CART_SESSION_KEY = "cart"


class Cart:
    def __init__(self, session):
        self.session = session
        self.items = session.setdefault(CART_SESSION_KEY, {})

    def add(self, book_id, quantity=1):
        key = str(book_id)
        self.items[key] = self.items.get(key, 0) + quantity
        self.session.modified = True

    def remove(self, book_id):
        self.items.pop(str(book_id), None)
        self.session.modified = True

    def clear(self):
        self.session[CART_SESSION_KEY] = {}
        self.items = self.session[CART_SESSION_KEY]

    def __len__(self):
        return sum(self.items.values())

    def __bool__(self):
        return bool(self.items)
