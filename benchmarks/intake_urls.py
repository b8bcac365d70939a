"""URLs of the intake benchmark: the test project's, plus the bare baseline view and a
static file served for the page-cache comparison (``benchmarks/baseline``)."""

from django.conf import settings
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.static import serve

from benchmarks.baseline import views
from tests.urls import urlpatterns as project_urlpatterns


def static_file(request, name):
    response = serve(request, name, document_root=settings.BENCH_STATIC_ROOT)
    patch_cache_control(response, public=True, max_age=0, s_maxage=60)
    return response


urlpatterns = [
    path("baseline/sign/", views.sign),
    path("baseline/sign-counted/", views.sign_counted),
    path("bench-static/<str:name>", static_file),
    *project_urlpatterns,
]
