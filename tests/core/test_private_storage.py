"""Files that list supporters go to the private storage, never the public one."""

import io

from django.core.files.storage import storages
from django.test import override_settings

from heretostay_wagtail.core import checks, storage
from heretostay_wagtail.paper import delivery

PUBLIC_ONLY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def test_delivery_pdfs_go_to_the_private_storage_not_the_public_one():
    assert storage.private_alias() == "heretostay_private"
    name = delivery.storage().save("heretostay/delivery/x.pdf", io.BytesIO(b"%PDF"))
    assert storages["heretostay_private"].exists(name)
    assert not storages["default"].exists(name)
    assert checks.check_private_storage() == []


def test_an_explicit_alias_wins(settings):
    settings.HERETOSTAY = {**getattr(settings, "HERETOSTAY", {}), "PRIVATE_STORAGE": "default"}
    assert storage.private_alias() == "default"
    assert [w.id for w in checks.check_private_storage()] == ["heretostay.W050"]


def test_without_a_private_storage_the_deploy_check_warns():
    with override_settings(STORAGES=PUBLIC_ONLY):
        assert storage.private_alias() == "default"
        warnings = checks.check_private_storage()
    assert [w.id for w in warnings] == ["heretostay.W050"]
    assert "heretostay_private" in warnings[0].hint
