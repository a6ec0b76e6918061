"""The demo's privileged users get an authenticator device with the secret README.md documents."""

import base64
import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.platform.management.commands.seed_demo import DEMO_TOTP_SECRETS, demo_totp_device
from tests.factories import UserFactory


def test_demo_device_has_the_documented_secret_and_is_made_once(school_a):
    with schema_context(school_a.schema_name):
        admin = UserFactory(role="school_admin", email="admin@demo.school")

        demo_totp_device("admin@demo.school")
        demo_totp_device("admin@demo.school")

        device = TOTPDevice.objects.get(user=admin)
        assert device.confirmed
        key = base64.b32decode(DEMO_TOTP_SECRETS["admin@demo.school"])
        assert device.bin_key == key
        # what an authenticator app shows for the documented secret is what the server accepts
        assert device.verify_token(f"{hotp(key, int(time.time()) // 30, digits=6):06d}")


def test_every_privileged_demo_user_has_a_readme_secret():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for email, secret in DEMO_TOTP_SECRETS.items():
        assert len(base64.b32decode(secret)) == 20
        assert secret in readme and email in readme
