"""``heretostay_wagtail.models`` star-imports every feature's models module: a name
exported by two modules would silently shadow the other (it once made alert dispatch use
the paper delivery statuses)."""

import importlib

import heretostay_wagtail.models as models_module
from heretostay_wagtail.apps import FEATURES


def test_feature_modules_export_distinct_names():
    seen = {}
    for feature in ("core", *FEATURES):
        module = importlib.import_module(f"heretostay_wagtail.{feature}.models")
        assert module.__all__, feature
        for name in module.__all__:
            assert name not in seen, f"{name} is exported by both {seen[name]} and {feature}"
            seen[name] = feature
            assert getattr(models_module, name) is getattr(module, name)
