"""The audit log: append-only, hash-chained events written in the transaction of the change they record.

Record events with `fivesafes.audit.services.record`; check the chain with `fivesafes audit verify`.
"""
