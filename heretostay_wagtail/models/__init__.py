"""All models of the package; one module per feature."""

from .alerts import *  # noqa: F401,F403
from .campaigns import *  # noqa: F401,F403
from .cards import *  # noqa: F401,F403
from .guides import *  # noqa: F401,F403
from .paper import *  # noqa: F401,F403
from .petitions import *  # noqa: F401,F403
from .pledges import *  # noqa: F401,F403
from .settings import *  # noqa: F401,F403
from .signatures import *  # noqa: F401,F403
