"""``heretostay_wagtail.models`` star-imports every feature module: a name exported by
two modules would silently shadow the other (it once made alert dispatch use the paper
delivery statuses)."""

import importlib
import pkgutil

import heretostay_wagtail.models as models_pkg


def test_feature_modules_export_distinct_names():
    seen = {}
    for info in pkgutil.iter_modules(models_pkg.__path__):
        module = importlib.import_module(f"{models_pkg.__name__}.{info.name}")
        for name in getattr(module, "__all__", []):
            assert name not in seen, f"{name} is exported by both {seen[name]} and {info.name}"
            seen[name] = info.name
