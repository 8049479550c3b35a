from django.core.management.base import BaseCommand

from orders.services import ship_paid_orders


class Command(BaseCommand):
    help = "Mark every paid order as shipped (run by the warehouse after the evening pick-up)"

    def handle(self, *args, **options):
        shipped = ship_paid_orders()
        self.stdout.write(self.style.SUCCESS(f"Shipped {shipped} orders"))
