"""A tiny public JSON view of a campaign's count, for scripts and embeds.

Only aggregate figures, never personal data; cacheable for a short while so a popular
page polling it costs one O(1) counter read per cache period, not one per visitor.
"""

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

MAX_AGE = 30


@require_safe
def campaign_count(request, page):
    progress = page.progress()
    response = JsonResponse(
        {
            "count": progress["count"],
            "goal": progress["goal"],
            "target": progress["target"],
            "percent": progress["percent"],
            "goal_reached": progress["goal_reached"],
        }
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"
    return response
