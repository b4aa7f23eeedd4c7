"""Reads of the outbox: a staff member's own in-app notices."""

from .models import OutboxMessage


def notices_for(user):
    """The user's in-app notices, newest first."""
    return (OutboxMessage.objects.filter(user=user, channel=OutboxMessage.Channel.INAPP)
            .order_by("-created_at", "-pk"))


def unread_notice_count(user):
    if not user.is_authenticated:
        return 0
    return OutboxMessage.objects.filter(user=user, channel=OutboxMessage.Channel.INAPP,
                                        read_at__isnull=True).count()
