"""django-allauth's messages that campaign starters meet (log in, sign up, the emailed
code, password reset), repeated so that ``makemessages`` puts them into the package's
catalogue, translated in "tú" as the rest of the site (allauth's own Spanish catalogue
mostly says "usted"). As in ``core/messages.py``: ``heretostay_wagtail`` comes before
``allauth`` in ``INSTALLED_APPS``, so the package's catalogue outranks allauth's. Nothing
imports the strings: listing them is the point."""

from django.utils.translation import gettext_noop, ngettext_lazy

ALLAUTH = (
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Forgot your password?"),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Password (again)"),
    gettext_noop("Password Reset"),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it."
    ),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop("Bad Token"),
    gettext_noop(
        'The password reset link was invalid, possibly because it has already been used.  Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    gettext_noop("Your password is now changed."),
    gettext_noop("Sign Up"),
    gettext_noop("Enter Email Verification Code"),
    gettext_noop("Request new code"),
    gettext_noop("Use a different email address"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address to register an account on %(site_domain)s."
    ),
    gettext_noop(
        "Your email verification code is listed below. Please enter it in your open browser window."
    ),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset for your user account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset your password."
    ),
    gettext_noop("Password Reset Email"),
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    ),
    gettext_noop("Your primary email address must be verified."),
)

# Django's own (django.contrib.auth's password validator), also "usted" in Spanish.
DJANGO = (
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
