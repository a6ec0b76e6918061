"""factory-boy factories. They create rows in whatever schema the connection is in."""

import factory
from django.contrib.auth import get_user_model

DEFAULT_PASSWORD = "a-good-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    username = factory.SelfAttribute("email")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = "staff"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator-app device (django-otp) with a random secret."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


def totp_code(device, steps: int = 0) -> str:
    """The code `device`'s authenticator app shows now, or `steps` time steps (30 s) away. A code is
    accepted once, and only if no later one was: use steps=1, 2... for a second sign-in in a test."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps):0{device.digits}d}"
