"""Erasure: everything about one email address or phone number, across the features.

The one module allowed to reach into petitions, pledges and paper at once (core imports
no feature); the admin screen, the management command and the staff API all call
``services.find`` and ``services.erase``.
"""
