"""Every model of the package, for Django (which imports ``<app>.models``) and for
host projects (``from heretostay_wagtail.models import PetitionPage``).

Each feature keeps its models in its own folder (``petitions/models.py``...); this
module only gathers them. Code inside the package imports from the feature's module.
"""

from heretostay_wagtail.core.models import *  # noqa: F401,F403
from heretostay_wagtail.grassroots.models import *  # noqa: F401,F403
from heretostay_wagtail.guides.models import *  # noqa: F401,F403
from heretostay_wagtail.paper.models import *  # noqa: F401,F403
from heretostay_wagtail.petitions.models import *  # noqa: F401,F403
from heretostay_wagtail.pledges.models import *  # noqa: F401,F403
