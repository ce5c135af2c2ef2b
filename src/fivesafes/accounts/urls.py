"""URLs of the accounts app."""

from django.urls import path

from fivesafes.accounts.views import account, signin

app_name = "accounts"
urlpatterns = [
    path("login/", signin.sign_in, name="login"),
    path("login/code/", signin.verify, name="verify"),
    path("login/enrol/", signin.enrol, name="enrol"),
    path("logout/", signin.sign_out, name="logout"),
    path("", account.account, name="account"),
    path("recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("tokens/", account.create_token, name="create_token"),
    path("tokens/<str:key_id>/revoke/", account.revoke_token, name="revoke_token"),
]
