"""Two-factor devices: the authenticator (TOTP) and the one-time recovery codes (R10)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from fivesafes.accounts.models import User

RECOVERY_CODE_COUNT = 10


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user: User, device_id: int | None) -> TOTPDevice:
    """The unconfirmed device being enrolled; kept across page loads so the QR code holds."""
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for people who type it in by hand."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        token = StaticToken.random_token()
        device.token_set.create(token=token)
        codes.append(token)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(user: User, code: str) -> tuple[Any, str | None]:
    """Return (device, None) for a good code, else (None, the reason to show)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, info = device.verify_is_allowed()
        if not allowed:
            wait = ""
            if info and info.get("locked_until"):
                wait = f" until {info['locked_until']:%H:%M:%S}"
            return None, f"Too many wrong codes: code checks are paused{wait}. Try again later."
        if device.verify_token(code):
            return device, None
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device, None
    return None, "That code is wrong, expired or already used."
