"""An empty URLconf, set as ``request.urlconf`` on the API's 404 answers.

Django's ``LocaleMiddleware`` turns a 404 outside ``i18n_patterns`` into a redirect to
``/<language>/<path>`` whenever that path resolves, and Wagtail's catch-all page route
resolves every path: without this, API clients would get an HTML 302 instead of the
JSON 404. The middleware reads ``request.urlconf``; an empty one means "no redirect".
"""

urlpatterns = []
