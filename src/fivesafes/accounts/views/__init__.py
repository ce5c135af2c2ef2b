"""Views of the accounts app: sign-in with two factors, enrolment, account and API tokens."""
