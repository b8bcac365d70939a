"""Public URLs of grassroots campaigns (included by ``heretostay_wagtail/urls.py``).

Outside ``i18n_patterns`` like the package's other URLs: each view answers in the language
of the page it is about.
"""

from django.urls import path

from heretostay_wagtail.grassroots import views

urlpatterns = [
    path("start/<int:pk>/", views.start, name="heretostay_grassroots_start"),
    path("start/<int:pk>/review/", views.review, name="heretostay_grassroots_review"),
    path("start/<int:pk>/account/", views.account, name="heretostay_grassroots_account"),
    path("start/<int:pk>/<slug:step>/", views.start_step, name="heretostay_grassroots_start_step"),
    path("started/<int:pk>/", views.started, name="heretostay_grassroots_started"),
    path("share/<int:pk>/", views.share, name="heretostay_grassroots_share"),
    path("report/<int:pk>/", views.report, name="heretostay_grassroots_report"),
    path("report/<int:pk>/sent/", views.reported, name="heretostay_grassroots_reported"),
]
