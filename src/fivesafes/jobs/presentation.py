"""How a job is shown: its status in words, its progress, and its result or error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fivesafes.shared.labels import gettext_noop, translated

STATUS_WORDS = {
    TaskResultStatus.READY: (gettext_noop("Waiting"), "warn"),
    TaskResultStatus.RUNNING: (gettext_noop("Running"), "warn"),
    TaskResultStatus.SUCCESSFUL: (gettext_noop("Finished"), "ok"),
    TaskResultStatus.FAILED: (gettext_noop("Failed"), "bad"),
}


@dataclass(frozen=True)
class JobView:
    result: DBTaskResult
    progress: Any

    @property
    def id(self) -> str:
        return str(self.result.pk)

    @property
    def title(self) -> str:
        """The title the job was started with; a fixed one (a scheduled job's, say) in the
        reader's language, when the catalogues know it."""
        return translated(self.progress.title) if self.progress else self.result.task_name

    @property
    def owner(self) -> Any:
        return self.progress.owner if self.progress else None

    @property
    def status_label(self) -> str:
        words = STATUS_WORDS.get(self.result.status)
        return translated(words[0]) if words else str(self.result.status)

    @property
    def status_class(self) -> str:
        return STATUS_WORDS.get(self.result.status, ("", ""))[1]

    @property
    def is_finished(self) -> bool:
        return self.result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.result.status == TaskResultStatus.SUCCESSFUL:
            return 100
        return self.progress.percent if self.progress else 0

    @property
    def message(self) -> str:
        return translated(self.progress.message) if self.progress and self.progress.message else ""

    @property
    def result_text(self) -> str:
        if self.result.status != TaskResultStatus.SUCCESSFUL:
            return ""
        return json.dumps(self.result.return_value, indent=2, ensure_ascii=False, sort_keys=True)

    @property
    def error_summary(self) -> str:
        """The last line of the traceback: the exception and its message."""
        if self.result.status != TaskResultStatus.FAILED:
            return ""
        lines = [line for line in self.result.traceback.strip().splitlines() if line.strip()]
        return lines[-1] if lines else self.result.exception_class_path


def job_view(result: DBTaskResult) -> JobView:
    return JobView(result=result, progress=getattr(result, "progress", None))
