"""The audit actions of background jobs and file housekeeping, in words (see
`fivesafes.audit.actions`)."""

ACTIONS = {
    "job.enqueued": "A background job was queued",
    "job.started": "A worker started a background job",
    "job.succeeded": "A background job finished successfully",
    "job.failed": "A background job failed",
    "job.restarted": "A job whose worker stopped was queued again",
    "job.marked_failed": "A job whose worker stopped was marked failed (not safe to run again)",
    "files.orphan_removed": "A stored file no record refers to was removed",
}
