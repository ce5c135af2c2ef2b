"""Declaring a task retry-safe: it may run again from the start if its worker dies mid-way."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")

_RETRY_SAFE: set[str] = set()


def retry_safe(task: T) -> T:
    """Mark a task (put it above `@task`) as safe to run a second time after a lost worker."""
    _RETRY_SAFE.add(task.module_path)  # type: ignore[attr-defined]
    return task


def is_retry_safe(task: Any) -> bool:
    return task.module_path in _RETRY_SAFE
