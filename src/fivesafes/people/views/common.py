"""What the people pages share: a page about one object whose forms post to services
(a page with one form is `shared.pages.form_page`).

Both run the service through `shared.pages.form_action`, so a refusal lands on the field
it names and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import form_action, run_action, shows_refusals


@dataclass(frozen=True)
class ObjectPage:
    """The page of one object (a case, an institution, a breach) and the forms posted from it.

    `show(request, obj, status=..., **forms)` draws the page, with any form given by its
    context name in place of a blank one; `url` names the page (it takes the object's `pk`);
    `keyword` is the name the services give the object; `find(request, pk)` loads it through
    the policy's check (for `form_view`).
    """

    show: Callable[..., HttpResponse]
    url: str
    keyword: str
    find: Callable[[HttpRequest, int], Any] | None = None

    def again(self, request: HttpRequest, obj: Any, name: str) -> Callable[[Any], HttpResponse]:
        """Show the page again with `name`'s form and its refusal (400)."""
        return lambda form: self.show(request, obj, status=400, **{name: form})

    def back(self, pk: int) -> Callable[..., HttpResponse]:
        """Go back to the page of the object `pk`."""
        return lambda _result=None: redirect(self.url, pk=pk)

    def post(
        self,
        request: HttpRequest,
        obj: Any,
        name: str,
        form: forms.Form,
        service: Callable[..., Any],
        success: str | Callable[[Any], str],
        *,
        done: Callable[[Any], HttpResponse] | None = None,
        **options: Any,
    ) -> HttpResponse:
        """Run `service(actor=, <keyword>=obj, request=, **options, **cleaned_data)` from the
        page's form `name`, then `done(result)` (by default back to the page); a refusal shows
        the page again."""
        return form_action(
            request,
            form,
            lambda data: service(
                actor=request.user, request=request, **{self.keyword: obj}, **options, **data
            ),
            done=done or self.back(obj.pk),
            again=self.again(request, obj, name),
            success=success,
        )

    def form_view(
        self,
        permission: Permission,
        name: str,
        form: type[forms.Form],
        service: Callable[..., Any],
        success: str | Callable[[Any], str],
        *,
        prefix: str | None = None,
        done: Callable[[Any], HttpResponse] | None = None,
    ) -> Callable[[HttpRequest, int], HttpResponse]:
        """The view of the page's form `name` (POST only, declaring `permission`): the object
        of the URL's `pk` through `find`, the posted `form`, then `post(...)`."""
        find = self.find
        if find is None:
            raise TypeError(f"The page {self.url} has no `find` for its form views.")

        @require_POST
        @requires(permission)
        @shows_refusals
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            posted = form(request.POST, request.FILES, prefix=prefix)
            return self.post(request, find(request, pk), name, posted, service, success, done=done)

        return view

    def button(
        self,
        request: HttpRequest,
        pk: int,
        call: Callable[[], Any],
        success: str | Callable[[Any], str],
    ) -> HttpResponse:
        """A button on the page of the object `pk`: run `call`, then back to the page, where a
        rule refusal shows as a message."""
        back = self.back(pk)
        return run_action(request, call, done=back, failed=back, success=success)
