"""Production settings: `check --deploy` is clean with a production environment, and they refuse
to load without the secrets they need. Each run is a fresh process, as in a container."""

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PLATFORM_HOST", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY")


def production_env(**overrides) -> dict:
    """The environment a production container gets; the servers need not exist for `check`."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SENTRY_DSN", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD",
                          "CSRF_TRUSTED_ORIGINS", "JWT_SIGNING_KEY", *REQUIRED}}
    env.update({
        "SECRET_KEY": secrets.token_urlsafe(64),  # 86 random characters
        "DATABASE_URL": "postgres://omnicore:not-used@127.0.0.1:9/omnicore",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "PLATFORM_HOST": "example.org",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(32),
        "PYTHONUNBUFFERED": "1",
    })
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=180)


def test_deploy_check_is_clean_with_production_environment():
    result = manage("check", "--deploy", "--settings=config.settings.prod", env=production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output


@pytest.mark.parametrize("name", REQUIRED)
def test_prod_settings_refuse_to_load_without(name):
    result = manage("check", "--settings=config.settings.prod", env=production_env(**{name: None}))

    assert result.returncode != 0
    assert f"{name} must be set in production" in result.stderr


def test_empty_variables_mean_the_defaults():
    # docker/compose.yaml passes optional variables through as empty strings when they are unset
    empty = dict.fromkeys(["JWT_SIGNING_KEY", "LOG_LEVEL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS",
                           "DEFAULT_FROM_EMAIL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                           "SECURE_HSTS_PRELOAD", "SENTRY_TRACES_SAMPLE_RATE"], "")
    env = production_env(**empty)
    code = ("from django.conf import settings as s; print(s.SIMPLE_JWT['SIGNING_KEY'] == s.SECRET_KEY, "
            "s.LOGGING['root']['level'], s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.SENTRY_TRACES_SAMPLE_RATE)")

    result = manage("shell", "--no-imports", "-c", code, "--settings=config.settings.prod", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "True INFO localhost 587 True OmniCore <no-reply@example.org> True 31536000 True 0.0")


def test_static_files_collect_with_production_storage(tmp_path):
    """What the image build runs (docker/Dockerfile): hashed, compressed names for every file, so a
    CSS or JS file referring to a file that is not there (a source map, a font) fails here."""
    (tmp_path / "collect_settings.py").write_text(
        "from config.settings.prod import *  # noqa\n"
        f"STATIC_ROOT = {str(tmp_path / 'staticfiles')!r}\n"
    )
    env = production_env(PYTHONPATH=os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])))

    result = manage("collectstatic", "--noinput", "--verbosity=0", "--settings=collect_settings", env=env)

    assert result.returncode == 0, (
        "collectstatic with the production storage failed; a vendored file must not refer to a file "
        "that is not vendored (e.g. strip its sourceMappingURL comment):\n" + result.stdout + result.stderr)
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()


def test_prod_settings_refuse_an_empty_secret_key():
    result = manage("check", "--settings=config.settings.prod", env=production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
