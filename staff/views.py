"""PIN sign-in for the terminal pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, g, jsonify, render_template, request, session
from pydantic import Field, RootModel

from core.api import Id, Out, Schema, api
from core.web import current_ctx
from staff import services
from staff.auth import current_staff

bp = Blueprint("staff", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/staff")



class StaffOut(Out):
    id: int
    name: str
    role: str


class StaffListOut(RootModel[list[StaffOut]]):
    pass


class SignIn(Schema):
    user_id: Id
    pin: str = Field(pattern=r"^[0-9]{4,8}$")


def safe_next(target: str | None) -> str:
    """Only a path on this site: anything a browser could read as another host becomes "/"."""
    target = target or "/"
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or any(c in target for c in "\\\t\r\n") or any(ord(c) < 32 for c in target)):
        return "/"
    return target


@bp.get("/login")
def login_page():
    return render_template("staff/login.html", staff=services.staff_list(current_ctx()),
                           next=safe_next(request.args.get("next")), need=request.args.get("need"))


@api.route(bp, "/api/staff", "GET", response=StaffListOut, summary="Staff members who can sign in (names and roles)")
def list_staff():
    return jsonify(services.staff_list(current_ctx()))


@api.route(bp, "/api/staff/login", "POST", body=SignIn, response=StaffOut, summary="Sign in with a PIN",
           errors=(401, 404, 429))
def login(body: SignIn):
    user = services.sign_in(current_ctx(), body.user_id, body.pin, request.remote_addr or "")
    session.clear()
    session["staff_id"] = user["id"]
    session.permanent = True
    g.pop("staff", None)
    return jsonify(user)


class SignedOut(Out):
    ok: bool


@api.route(bp, "/api/staff/logout", "POST", response=SignedOut, summary="Sign out")
def logout():
    session.pop("staff_id", None)
    g.pop("staff", None)
    return jsonify({"ok": True})


@api.route(bp, "/api/staff/me", "GET", response=StaffOut, summary="Who is signed in", errors=(401,))
def me():
    staff = current_staff()
    if staff is None:
        return jsonify({"error": {"code": "not_signed_in", "message": "Nobody is signed in."}}), 401
    return jsonify(staff)
