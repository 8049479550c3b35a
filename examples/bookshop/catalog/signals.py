from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Book, Tag


@receiver([post_save, post_delete], sender=Tag)
@receiver([post_save, post_delete], sender=Book)
@receiver(m2m_changed, sender=Book.tags.through)
def invalidate_tag_cloud(sender, **kwargs):
    cache.delete("catalog:tag-cloud")
