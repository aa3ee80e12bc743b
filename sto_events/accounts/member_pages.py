"""The pages of the people who act for one object (a region's coordinators, an organisation's contacts): the list
with the form that invites another, and ending a membership after a confirmation.

A domain describes its kind of membership in a `Members` and adds the pages to its scoped blueprint (core.scope):

    add_member_pages(bp, Members(scope="region", path="coordinatoren", ...))

The scoped object is on `g` before any view runs; the member named in an end URL is looked up within it, also before
the view runs (a url_value_preprocessor registered after the scope's), so another object's member is a 404 and no
view sees a bare user id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import LazyString

from ..core.access import actor
from ..core.extensions import db
from ..core.rules import word
from ..core.transaction import unit_of_work
from . import wording
from .forms import EndMembershipForm, InviteMemberForm
from .memberships import MembershipError
from .models import Role


@dataclass(frozen=True)
class Texts:
    """What the pages say about this kind of membership, as whole sentences (translated when shown).

    Placeholders: %(name)s the member's name, %(scope)s the object's name."""

    already: LazyString  # refusal: the person is a member already
    invited: LazyString  # flash after an invitation
    end_title: LazyString  # the confirmation page's heading
    end_question: LazyString  # ... and its question about somebody else
    end_yourself_title: LazyString  # the heading when it is your own membership
    end_yourself: LazyString  # ... and its question (what stays is worded by the page)
    ended: LazyString  # flash after ending somebody else's membership
    left: LazyString  # flash after ending your own


@dataclass(frozen=True)
class Members:
    """One kind of membership as its pages need it. `scope` names the object on `g` (and in the templates);
    `list`, `find`, `add` and `end` are the domain's membership rules (they flush; the pages commit)."""

    scope: str
    path: str  # the URL part under the scope's prefix: "coordinatoren"
    endpoint: str  # the list page's endpoint; ending is "end_" + `member`
    member: str  # "coordinator"
    template: str  # the list page: gets the object, `members`, `form`
    nav: str  # the scope's navigation, shown above the confirmation too
    list: Callable
    find: Callable
    add: Callable
    end: Callable
    texts: Texts


def membership_text(error: MembershipError, already: LazyString) -> str:
    """A refused invitation in words: "already" as the membership's domain words it, the rest as accounts do."""
    return word({**wording.WORDING, "already": already}, error)


def add_member_pages(bp: Blueprint, members: Members) -> None:
    """Add the list-and-invite page and the end confirmation for `members` to the scoped blueprint `bp`.

    Call it after core.scope.scope_to: the member is looked up within the object that the scope loaded first."""
    if not bp.url_value_preprocessors.get(None):
        raise RuntimeError(f"{bp.name}: call scope_to before add_member_pages")
    end_endpoint = f"end_{members.member}"

    def scope():
        return getattr(g, members.scope)

    @bp.url_value_preprocessor
    def _load_member(endpoint, values):
        if endpoint == f"{bp.name}.{end_endpoint}":
            g.member = members.find(db.session, scope(), values.pop("user_id")) or abort(404)

    def page(form, status=200):
        return render_template(members.template, form=form, members=members.list(db.session, scope()),
                               **{members.scope: scope()}), status

    def list_and_invite():
        """The members; invite another (a new person gets an account and a link by mail)."""
        form = InviteMemberForm()
        if not form.validate_on_submit():
            return page(form, 422 if form.is_submitted() else 200)
        try:
            with unit_of_work():
                member = members.add(db.session, scope(), form.email.data, form.name.data, actor())
        except MembershipError as error:
            form.email.errors.append(membership_text(error, members.texts.already))
            return page(form, 422)
        flash(members.texts.invited % {"name": member.user.name, "scope": scope().name}, "ok")
        return redirect(url_for(f".{members.endpoint}"), code=303)

    def end_member():
        """Confirm, then end a membership (the account stays: it may act for other things)."""
        member, form = g.member, EndMembershipForm()
        yourself = member.user_id == actor().id
        if not form.validate_on_submit():
            status = 400 if form.is_submitted() else 200
            return render_template("accounts/end_membership.html", form=form, member=member, yourself=yourself,
                                   texts=members.texts, nav=members.nav, back=url_for(f".{members.endpoint}"),
                                   scope_object=scope(), **{members.scope: scope()}), status
        values = {"name": member.user.name, "scope": scope().name}
        with unit_of_work():
            members.end(db.session, member, actor())
        if yourself and not actor().has_role(Role.ORGANISER):
            flash(members.texts.left % values, "ok")
            return redirect(url_for("accounts.home"), code=303)
        flash(members.texts.ended % values, "ok")
        return redirect(url_for(f".{members.endpoint}"), code=303)

    bp.add_url_rule(f"/{members.path}", members.endpoint, list_and_invite, methods=["GET", "POST"])
    bp.add_url_rule(f"/{members.path}/<int:user_id>/beeindigen", end_endpoint, end_member, methods=["GET", "POST"])
