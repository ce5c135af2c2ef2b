"""How a job is shown: its status in words, its progress, and its result or error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

STATUS_WORDS = {
    TaskResultStatus.READY: ("Waiting", "warn"),
    TaskResultStatus.RUNNING: ("Running", "warn"),
    TaskResultStatus.SUCCESSFUL: ("Finished", "ok"),
    TaskResultStatus.FAILED: ("Failed", "bad"),
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
        return self.progress.title if self.progress else self.result.task_name

    @property
    def owner(self) -> Any:
        return self.progress.owner if self.progress else None

    @property
    def status_label(self) -> str:
        return STATUS_WORDS.get(self.result.status, (self.result.status, ""))[0]

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
        return self.progress.message if self.progress else ""

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
