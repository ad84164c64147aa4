"""Background work of conversations: purging the uploads nobody attached."""

from __future__ import annotations

from django.tasks import task

from rucher.content.attachments import attachments_purge_pending


@task()
def purge_pending_attachments() -> int:
    """Delete the uploads still pending after a day (their files go once this commits)."""
    return attachments_purge_pending()
