"""Helpers that act as the person's authenticator app in tests."""

from __future__ import annotations

import time
from typing import Any

from django_otp.oath import TOTP


def code_at(key: bytes, when: float, *, step: int = 30, t0: int = 0, digits: int = 6) -> str:
    generator = TOTP(key, step=step, t0=t0, digits=digits)
    generator.time = when
    return f"{generator.token():0{digits}d}"


def current_code(device: Any, *, offset_steps: int = 0) -> str:
    return code_at(
        device.bin_key,
        time.time() + offset_steps * device.step,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
    )
