"""The baselines' tables (benchmarks only; never in the package)."""

from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField


class BaselineSignature(models.Model):
    """What the bare view stores: the fields the petition asks, one row per POST."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    postal_code = models.CharField(max_length=20)
    phone = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True)
    opted_in = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Baseline signature {self.pk}"


class BenchFormField(AbstractFormField):
    page = ParentalKey("BenchFormPage", on_delete=models.CASCADE, related_name="form_fields")


class BenchFormPage(AbstractForm):
    """Wagtail's form builder (wagtail.contrib.forms) with the petition's fields."""

    template = "bench_baseline/form_page.html"
    landing_page_template = "bench_baseline/form_page_landing.html"
