"""The access generation: one counter that moves whenever anything the access rule reads
changes (R1, R7-R10, R24, R25).

The JupyterLab proxy asks the access rule on every request; the full rule costs about fifteen
queries. It keeps a passing answer and reuses it while this counter has not moved (and no later
than the next local midnight, as every dated condition of the rule is dated by day), so one
small query per request suffices. `fivesafes.policy.access_generation` moves it, in the same
transaction as the change, for every save and delete of the models the rule reads.
"""

from __future__ import annotations

from django.db import models

ROW = 1  # the one row


class AccessGeneration(models.Model):
    value = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "access generation"

    def __str__(self) -> str:
        return f"access generation {self.value}"
