"""Encrypted model fields: tokens at rest, key rotation, refusal to guess, blind indexes, reencrypt_fields.

The model below lives in an app registry of its own, so no real app gets a migration or a model for
tests; its table is created inside the test's transaction (in the schemas a test asks for) and goes
away with the rollback.
"""

import base64

import pytest
from cryptography.fernet import Fernet
from django.apps.registry import Apps
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django_tenants.utils import schema_context

from apps.core import crypto
from apps.core.fields import EncryptedCharField, EncryptedTextField
from apps.core.management.commands import reencrypt_fields
from apps.core.models import IdempotencyRecord
from tests.core.test_deploy_check import manage, production_env

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

test_apps = Apps([])  # a registry of its own: the project's apps never see this model


class Guardian(models.Model):
    national_id = EncryptedCharField(max_length=20, null=True, blank=True)
    notes = EncryptedTextField(blank=True, default="")
    # the blind-index pattern: an ordinary indexed column beside the encrypted one
    phone = EncryptedCharField(max_length=20, blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        app_label = "encryption_tests"
        apps = test_apps
        db_table = "encryption_tests_guardian"


FIELDS = [Guardian._meta.get_field(name) for name in ("national_id", "notes", "phone")]


def create_table(schema: str) -> None:
    with schema_context(schema), connection.schema_editor() as editor:
        editor.create_model(Guardian)


def stored(schema: str, pk: int, column: str = "national_id"):
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM encryption_tests_guardian WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def keys(settings):
    """Start from one key, the old one; tests prepend the new one to rotate."""
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    return settings


@pytest.fixture
def table_a(school_a, keys):
    create_table(school_a.schema_name)
    return school_a.schema_name


# --- the field --------------------------------------------------------------------------------


def test_a_value_round_trips_and_the_column_holds_only_a_token(table_a):
    with schema_context(table_a):
        guardian = Guardian.objects.create(national_id="19800101-12345-00001-21", notes="pays by M-Pesa")

        again = Guardian.objects.get(pk=guardian.pk)

    assert (again.national_id, again.notes) == ("19800101-12345-00001-21", "pays by M-Pesa")
    token = stored(table_a, guardian.pk)
    assert "12345" not in token
    assert Fernet(OLD_KEY).decrypt(token.encode()).decode() == "19800101-12345-00001-21"


def test_the_same_value_is_stored_differently_each_time(table_a):
    with schema_context(table_a):
        first = Guardian.objects.create(national_id="A123")
        second = Guardian.objects.create(national_id="A123")

    assert stored(table_a, first.pk) != stored(table_a, second.pk)


def test_none_stays_none_and_empty_stays_empty(table_a):
    with schema_context(table_a):
        guardian = Guardian.objects.create(national_id=None, notes="")
        again = Guardian.objects.get(pk=guardian.pk)

    assert again.national_id is None and again.notes == ""
    assert stored(table_a, guardian.pk) is None
    assert stored(table_a, guardian.pk, "notes") == ""


def test_the_field_level_round_trip_without_a_database(keys):
    field = Guardian._meta.get_field("notes")

    token = field.get_prep_value("karibu")

    assert token != "karibu"
    assert field.from_db_value(token, None, connection) == "karibu"
    assert field.get_prep_value(None) is None and field.from_db_value(None, None, connection) is None
    assert field.get_prep_value("") == "" and field.from_db_value("", None, connection) == ""


def test_an_old_key_in_second_place_still_decrypts_and_new_values_use_the_first(table_a, keys):
    with schema_context(table_a):
        old = Guardian.objects.create(national_id="written-under-old")
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    with schema_context(table_a):
        assert Guardian.objects.get(pk=old.pk).national_id == "written-under-old"
        new = Guardian.objects.create(national_id="written-under-new")

    assert Fernet(NEW_KEY).decrypt(stored(table_a, new.pk).encode()) == b"written-under-new"


def test_a_value_no_configured_key_decrypts_is_an_error_not_none(table_a, keys):
    with schema_context(table_a):
        guardian = Guardian.objects.create(national_id="secret")
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key dropped too early

    with schema_context(table_a), pytest.raises(crypto.DecryptionError, match="encryption_tests.Guardian.national_id"):
        Guardian.objects.get(pk=guardian.pk)


def test_plaintext_left_in_the_column_is_an_error(table_a):
    with schema_context(table_a), connection.cursor() as cursor:
        cursor.execute("INSERT INTO encryption_tests_guardian (national_id, notes, phone, phone_index) "
                       "VALUES ('not-a-token', '', '', '') RETURNING id")
        pk = cursor.fetchone()[0]

        with pytest.raises(crypto.DecryptionError):
            Guardian.objects.get(pk=pk)


def test_filtering_by_value_is_refused_but_null_and_empty_work(table_a):
    with schema_context(table_a):
        Guardian.objects.create(national_id="A1", notes="x")
        Guardian.objects.create(national_id=None, notes="")

        with pytest.raises(FieldError, match="cannot be filtered by value"):
            Guardian.objects.filter(national_id="A1").count()
        with pytest.raises(FieldError):
            Guardian.objects.filter(national_id__icontains="A").count()
        with pytest.raises(FieldError):
            Guardian.objects.filter(national_id__in=["A1"]).count()
        with pytest.raises(FieldError):
            Guardian.objects.filter(national_id=models.F("notes")).count()

        assert Guardian.objects.filter(national_id=None).count() == 1
        assert Guardian.objects.filter(national_id__isnull=False).count() == 1
        assert Guardian.objects.filter(notes="").count() == 1


def test_updates_and_bulk_updates_encrypt_too(table_a):
    with schema_context(table_a):
        guardian = Guardian.objects.create(national_id="before")
        Guardian.objects.filter(pk=guardian.pk).update(national_id="by-update")
        assert Guardian.objects.get(pk=guardian.pk).national_id == "by-update"

        guardian.national_id = "by-bulk-update"
        Guardian.objects.bulk_update([guardian], ["national_id"])

        assert Guardian.objects.get(pk=guardian.pk).national_id == "by-bulk-update"
    assert "bulk" not in stored(table_a, guardian.pk)


def test_the_char_variant_limits_the_plaintext_and_is_a_one_line_input(keys):
    field = Guardian._meta.get_field("national_id")

    with pytest.raises(ValidationError):
        Guardian(national_id="x" * 21).full_clean()
    Guardian(national_id="x" * 20).full_clean()
    assert field.db_type(connection) == "text"  # the token is longer than the value
    assert field.formfield().widget.__class__.__name__ == "TextInput"
    assert field.deconstruct()[1:] == ("apps.core.fields.EncryptedCharField", [],
                                       {"max_length": 20, "null": True, "blank": True})


@pytest.mark.parametrize("bad_keys", [[], ["not-a-fernet-key"], [Fernet.generate_key().decode(), "short"]])
def test_missing_or_malformed_keys_are_a_configuration_error(settings, bad_keys):
    settings.FIELD_ENCRYPTION_KEYS = bad_keys

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


# --- blind indexes ------------------------------------------------------------------------------


def test_a_blind_index_is_stable_normalised_and_depends_on_its_key(settings):
    settings.FIELD_HASH_KEY = "key-one"
    first = crypto.blind_index("Amina  Juma ")

    assert crypto.blind_index("amina juma") == first
    assert crypto.blind_index("amina juma", key="key-two") != first
    assert crypto.blind_index("amina juma x") != first
    assert len(first) == 64 and first != "amina juma"
    assert (crypto.blind_index("+255 712-345 678", normalise=crypto.normalise_phone)
            == crypto.blind_index("255712345678", normalise=crypto.normalise_phone))


def test_a_blind_index_needs_its_key(settings):
    settings.FIELD_HASH_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="FIELD_HASH_KEY"):
        crypto.blind_index("x")


def test_the_documented_pattern_finds_a_payer_by_phone(table_a):
    def phone_index(phone: str) -> str:
        return crypto.blind_index(phone, normalise=crypto.normalise_phone)

    with schema_context(table_a):
        payer = Guardian.objects.create(phone="+255712345678", phone_index=phone_index("+255712345678"))
        Guardian.objects.create(phone="+255700000000", phone_index=phone_index("+255700000000"))

        found = Guardian.objects.filter(phone_index=phone_index("+255 712 345 678")).get()

    assert found.pk == payer.pk and found.phone == "+255712345678"


# --- reencrypt_fields ---------------------------------------------------------------------------


@pytest.fixture
def only_guardian(monkeypatch):
    """The command looks for encrypted fields in the project's models; here, in the test model only."""
    find = reencrypt_fields.encrypted_fields_by_model
    monkeypatch.setattr(reencrypt_fields, "encrypted_fields_by_model", lambda: find([Guardian]))


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("reencrypt_fields", *args, stdout=out)
    return out.getvalue()


def test_encrypted_fields_are_found_by_type():
    found = reencrypt_fields.encrypted_fields_by_model([Guardian, IdempotencyRecord])

    assert found == {Guardian: FIELDS}


def test_reencrypt_moves_every_school_and_public_onto_the_newest_key(school_a, school_b, keys, only_guardian):
    rows = {}
    for schema in (school_a.schema_name, school_b.schema_name, "public"):
        create_table(schema)
        with schema_context(schema):
            rows[schema] = [Guardian.objects.create(national_id=f"{schema}-{n}", notes=f"note {n}", phone="")
                            for n in range(5)]
            Guardian.objects.create(national_id=None, notes="")
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    output = run("--batch-size", "2")

    assert f"{school_a.schema_name}: encryption_tests.Guardian (national_id, notes, phone): 6 rows, 5 re-encrypted" \
        in output
    assert f"{school_b.schema_name}: encryption_tests.Guardian" in output
    assert "public: encryption_tests.Guardian" in output
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can go now
    for schema, guardians in rows.items():
        with schema_context(schema):
            assert sorted(Guardian.objects.exclude(national_id=None).values_list("national_id", flat=True)) == [
                f"{schema}-{n}" for n in range(5)]
        for guardian in guardians:
            assert crypto.is_current(stored(schema, guardian.pk))
            assert crypto.is_current(stored(schema, guardian.pk, "notes"))
            assert stored(schema, guardian.pk, "phone") == ""


def test_reencrypt_again_changes_nothing(table_a, keys, only_guardian):
    with schema_context(table_a):
        guardian = Guardian.objects.create(national_id="A1")
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    run()
    token = stored(table_a, guardian.pk)

    output = run()

    assert stored(table_a, guardian.pk) == token
    assert f"{table_a}: encryption_tests.Guardian (national_id, notes, phone): 1 rows, 0 re-encrypted" in output


def test_reencrypt_one_schema_leaves_the_others(school_a, school_b, keys, only_guardian):
    for schema in (school_a.schema_name, school_b.schema_name):
        create_table(schema)
        with schema_context(schema):
            Guardian.objects.create(pk=1, national_id="x")
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    output = run("--schema", school_a.schema_name)

    assert school_b.schema_name not in output
    assert crypto.is_current(stored(school_a.schema_name, 1))
    assert not crypto.is_current(stored(school_b.schema_name, 1))


def test_reencrypt_refuses_an_unknown_schema(db, only_guardian):
    with pytest.raises(CommandError, match="No migrated schema"):
        run("--schema", "nowhere")


def test_reencrypt_stops_at_a_value_no_key_decrypts(table_a, keys, only_guardian):
    with schema_context(table_a):
        guardian = Guardian.objects.create(national_id="A1")
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(CommandError, match=f"encryption_tests.Guardian.national_id of row pk={guardian.pk}"):
        run("--schema", table_a)


# --- production settings --------------------------------------------------------------------------


# (refusing to load without FIELD_ENCRYPTION_KEYS or FIELD_HASH_KEY: tests/core/test_deploy_check.py's REQUIRED)


# a fixed valid key (not a generated one), so every test process collects the same parameters
@pytest.mark.parametrize("value", ["not-a-fernet-key", f"{base64.urlsafe_b64encode(b'k' * 32).decode()},typo", " , "])
def test_prod_settings_refuse_keys_that_are_not_fernet_keys(value):
    result = manage("check", "--settings=config.settings.prod", env=production_env(FIELD_ENCRYPTION_KEYS=value))

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr
