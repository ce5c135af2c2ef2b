"""Appends from many connections at once still form one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from fivesafes.audit.chain import verify
from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import record

THREADS = 4
EACH = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_verifiable_chain() -> None:
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    record(action="test.concurrent", data={"worker": worker, "i": i})
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS * EACH + 1))
    verdict = verify()
    assert verdict.ok, verdict.message
    assert verdict.count == THREADS * EACH
