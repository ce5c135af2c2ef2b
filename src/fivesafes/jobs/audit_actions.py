"""The audit actions of background jobs and file housekeeping, in words (see
`fivesafes.audit.actions`)."""

from fivesafes.shared.labels import gettext_noop

ACTIONS = {
    "job.enqueued": gettext_noop("A background job was queued"),
    "job.started": gettext_noop("A worker started a background job"),
    "job.succeeded": gettext_noop("A background job finished successfully"),
    "job.failed": gettext_noop("A background job failed"),
    "job.restarted": gettext_noop("A job whose worker stopped was queued again"),
    "job.marked_failed": gettext_noop(
        "A job whose worker stopped was marked failed (not safe to run again)"
    ),
    "files.orphan_removed": gettext_noop("A stored file no record refers to was removed"),
}
