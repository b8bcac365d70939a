"""Retention: anonymize or delete the personal data of campaigns past their retention
period, across the features.

Like ``erasure/``, it may reach into petitions, pledges and paper at once (core imports
no feature, and no feature imports it). ``manage.py heretostay_retention``, the
``apply_retention`` task and the admin's "What retention will do" screen all call
``services.apply``.
"""
