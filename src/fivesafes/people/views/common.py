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

from fivesafes.shared.pages import form_action, run_action


@dataclass(frozen=True)
class ObjectPage:
    """The page of one object (a case, an institution, a breach) and the forms posted from it.

    `show(request, obj, status=..., **forms)` draws the page, with any form given by its
    context name in place of a blank one; `url` names the page (it takes the object's `pk`);
    `keyword` is the name the services give the object.
    """

    show: Callable[..., HttpResponse]
    url: str
    keyword: str

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
