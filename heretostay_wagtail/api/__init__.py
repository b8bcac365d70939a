"""Headless REST API (Django REST Framework), mounted by the host under a prefix.

One module per feature (``petitions``, ``signatures``, ``osdi``; later ``pledges``,
``cards``, ``paper``...), each holding its serializers and views built on the base
classes of ``base``; ``urls`` is the one place they are routed under ``v1/``.
"""
