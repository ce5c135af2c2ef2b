"""The audit actions of sign-in, sessions, two factors and API tokens, in words (R10); also the
refusals of the access rule for pages and the API (see `fivesafes.audit.actions`)."""

ACTIONS = {
    "login.password_accepted": "The password was right; the second factor comes next",
    "login.succeeded": "Signed in with both factors (R10)",
    "login.failed": "A sign-in failed: wrong username or password",
    "login.second_factor_failed": "A sign-in failed at the second factor",
    "login.locked_out": "A sign-in was refused: too many failed attempts",
    "login.refused_disabled": "A sign-in to a disabled account was refused",
    "login.refused_excluded": "A sign-in was refused: the person is excluded (R24)",
    "account.administrator_created": "The first administrator was created from the command line",
    "logout": "Signed out",
    "session.expired": "A session ended after a time without activity",
    "two_factor.enrolled": "An authenticator was enrolled as second factor (R10)",
    "two_factor.enrol_code_wrong": "A wrong code was entered while enrolling an authenticator",
    "two_factor.recovery_codes_renewed": "A new set of recovery codes replaced the old one",
    "api_token.created": "A personal API token was created",
    "api_token.revoked": "A personal API token was revoked",
    "access.denied": "A page or action was refused by the access rule",
    "api.refused": "An API call was refused: bad token or missing permission",
    "api.refused_summarised": (
        "More API calls without a valid sign-in were refused from one source (or from all "
        "together) within a minute than are recorded one by one: their count and reasons"
    ),
    "access.denied_summarised": (
        "More page requests without a sign-in were refused from one source within a minute "
        "than are recorded one by one: their count and reasons"
    ),
    "demo.user_created": "A demonstration account was created",
    "account.language_chosen": "The person chose the language of the pages",
}
