"""URLs of My Campaigns and the manage pane (``grassroots/manage.py``), included by the
package's ``urls.py`` (namespace ``heretostay``)."""

from django.urls import path

from heretostay_wagtail.grassroots import manage

P = "heretostay_mycampaigns_"

urlpatterns = [
    path("my-campaigns/", manage.my_campaigns, name=P + "index"),
    path("my-campaigns/invitations/<str:token>/", manage.accept, name=P + "accept"),
    path("my-campaigns/<int:page_id>/", manage.manage, name=P + "manage"),
    path("my-campaigns/<int:page_id>/edit/", manage.edit, name=P + "edit"),
    path("my-campaigns/<int:page_id>/offline/", manage.offline, name=P + "offline"),
    path("my-campaigns/<int:page_id>/online/", manage.online, name=P + "online"),
    path("my-campaigns/<int:page_id>/admins/", manage.admins, name=P + "admins"),
    path(
        "my-campaigns/<int:page_id>/admins/<int:admin_id>/remove/",
        manage.remove_admin,
        name=P + "remove_admin",
    ),
    path(
        "my-campaigns/<int:page_id>/invitations/<int:invitation_id>/cancel/",
        manage.cancel_invitation,
        name=P + "cancel_invitation",
    ),
    path("my-campaigns/<int:page_id>/paper/", manage.paper_sheets, name=P + "paper_sheets"),
    path("my-campaigns/<int:page_id>/paper/enter/", manage.paper_entry, name=P + "paper_entry"),
    path("my-campaigns/<int:page_id>/deliver/", manage.deliver, name=P + "deliver"),
    path("my-campaigns/<int:page_id>/deliver/<int:job_id>/", manage.delivery, name=P + "delivery"),
    path(
        "my-campaigns/<int:page_id>/deliver/<int:job_id>/download/",
        manage.delivery_download,
        name=P + "delivery_download",
    ),
    path("my-campaigns/<int:page_id>/signers/", manage.signers, name=P + "signers"),
    path("my-campaigns/<int:page_id>/signers.csv", manage.signers_csv, name=P + "signers_csv"),
]
