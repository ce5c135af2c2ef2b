"""Administration of people and their roles (administrators with two factors only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm

from fivesafes.accounts.models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    readonly_fields = ("granted_at", "granted_by")


class UserCreation(AdminUserCreationForm):
    """The add form asks for the e-mail address (unique and required) and the full name."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "full_name")


@admin.register(User)
class FivesafesUserAdmin(UserAdmin):
    inlines = [RoleInline]
    add_form = UserCreation
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "full_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    fieldsets = (*UserAdmin.fieldsets, ("fivesafes", {"fields": ("full_name",)}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "key_id", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("key_id", "secret_hash", "created_at", "last_used_at")
