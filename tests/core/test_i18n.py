"""Kiswahili and Arabic on a school's pages: chosen by cookie, by Accept-Language, or by /i18n/setlang/.

The pages are translated from the committed locale/<lang>/LC_MESSAGES/django.mo files (CI may have no
gettext to compile them), so the last test also checks that each .mo matches its .po.
"""

import ast
import re

import pytest
from django.conf import settings
from django.utils import translation

LOGIN = "/login/"

# English msgid -> what a Kiswahili / Arabic login page must show instead.
EXPECTED = {
    "sw": {"Sign in": "Ingia", "Sign in to continue": "Ingia ili kuendelea", "Password": "Nenosiri",
           "Email or username": "Barua pepe au jina la mtumiaji"},
    "ar": {"Sign in": "تسجيل الدخول", "Sign in to continue": "سجّل الدخول للمتابعة", "Password": "كلمة المرور",
           "Email or username": "البريد الإلكتروني أو اسم المستخدم"},
}


@pytest.fixture
def school_client(client, school_a):
    client.defaults["HTTP_HOST"] = school_a.primary_host
    return client


def assert_page_in(response, lang: str) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    for english, translated in EXPECTED[lang].items():
        assert translated in html, f"{lang}: {english!r} should read {translated!r}"
    assert ">Sign in to continue<" not in html
    if lang == "ar":
        assert 'dir="rtl"' in html
        assert "bootstrap.rtl.min.css" in html
    else:
        assert 'dir="ltr"' in html
        assert "bootstrap.rtl.min.css" not in html
    return html


def test_login_page_is_english_by_default(school_client):
    response = school_client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in html
    assert "Sign in to continue" in html
    assert "bootstrap.min.css" in html and "bootstrap.rtl.min.css" not in html


@pytest.mark.parametrize("lang", ["sw", "ar"])
def test_login_page_follows_accept_language(school_client, lang):
    assert_page_in(school_client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=f"{lang},en;q=0.5"), lang)


@pytest.mark.parametrize("lang", ["sw", "ar"])
def test_login_page_follows_language_cookie(school_client, lang):
    school_client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    assert_page_in(school_client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en"), lang)


def test_language_switch_offers_each_language_by_its_own_name(school_client):
    html = assert_page_in(school_client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="sw"), "sw")
    assert 'action="/i18n/setlang/"' in html
    for code, name in (("en", "English"), ("sw", "Kiswahili"), ("ar", "العربية")):
        assert re.search(rf'<option value="{code}"[^>]*lang="{code}">{name}</option>', html), code


def test_setlang_switches_to_arabic_and_back(school_client):
    assert_page_in(school_client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="sw"), "sw")

    response = school_client.post("/i18n/setlang/", {"language": "ar", "next": LOGIN}, HTTP_ACCEPT_LANGUAGE="sw")
    assert response.status_code == 302
    assert response.url == LOGIN
    assert school_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert_page_in(school_client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="sw"), "ar")

    school_client.post("/i18n/setlang/", {"language": "sw", "next": LOGIN})
    assert_page_in(school_client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="ar"), "sw")


def _po_entries(path):
    """(context or None, msgid, msgstr) of each translated, non-fuzzy, singular entry of a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or "msgid_plural" in block:
            continue
        match = re.search(r'^msgid (".*?)^msgstr (".*)', block, re.M | re.S)
        if not match:
            continue
        msgid, msgstr = ("".join(ast.literal_eval(line) for line in part.strip().splitlines())
                         for part in match.groups())
        context = re.search(r'^msgctxt (".*")$', block, re.M)
        if msgid and msgstr:
            entries.append((ast.literal_eval(context.group(1)) if context else None, msgid, msgstr))
    return entries


@pytest.mark.parametrize("lang", ["sw", "ar"])
def test_committed_mo_matches_po(lang):
    """A .po edited without `compilemessages` would otherwise go unnoticed (CI compiles nothing)."""
    locale_dir = settings.LOCALE_PATHS[0] / lang / "LC_MESSAGES"
    entries = _po_entries(locale_dir / "django.po")
    assert len(entries) > 50
    stale = []
    with translation.override(lang):
        for context, msgid, msgstr in entries:
            found = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if found != msgstr:
                stale.append(msgid)
    assert not stale, f"locale/{lang}: run `manage.py compilemessages`; stale in the .mo: {stale}"
