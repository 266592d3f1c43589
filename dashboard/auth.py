"""Who is asking: users, roles, login, and the access scope every data read carries.

Roles follow the access matrix in DESIGN.md and combine (a kommuneoverlege may also be a
smittesporer). The scope is computed here from the logged-in user; it is enforced where data
are read (``data/``), never by hiding a menu item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import current_app, has_app_context, has_request_context
from flask_login import AnonymousUserMixin, UserMixin, current_user

from dashboard.i18n import N_, _
from data.scope import Scope
from geo import reference


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    kommuner: str  # own | own+neighbours | county | all: pages, exports, reports, PDFs
    small_numbers: str  # none | own | county | all
    tracing: bool = False
    export: str = "none"  # none | yes | briefing | protected | audit
    edit_rules: bool = False
    audit: bool = False
    edit_local_rules: bool = False  # record local rules for the user's own kommune
    # kommuner shown only as the aggregated comparison beside the own kommune's numbers
    comparison: str = "none"  # none | own+neighbours


ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role(
            "kommuneoverlege",
            N_("Kommuneoverlege"),
            "own",
            "own",
            export="yes",
            edit_local_rules=True,
            comparison="own+neighbours",
        ),
        Role("kriseledelse", N_("Kriseledelse"), "own", "none", export="briefing"),
        Role("smittesporer", N_("Smittesporer"), "own", "own", tracing=True),
        Role("fylkeslege", N_("Statsforvalter / fylkeslege"), "county", "county", export="yes"),
        Role("ks_analytiker", N_("KS-analytiker"), "all", "none", export="protected"),
        Role(
            "admin", N_("Administrator"), "all", "none", export="audit", edit_rules=True, audit=True
        ),
        Role("regelredaktor", N_("Regelredaktør"), "all", "none", edit_rules=True),
    )
}


@dataclass(frozen=True)
class User(UserMixin):
    id: str
    display_name: str
    roles: tuple[str, ...]
    kommunenummer: str | None = None
    fylkesnummer: str | None = None
    demo: bool = False
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def get_id(self) -> str:
        return self.id

    @property
    def role_label(self) -> str:
        """The user's roles for display, translated (role labels are N_-marked)."""
        roles = directory().roles
        return " + ".join(_(roles[r].label) for r in self.roles)

    def may(self, permission: str) -> bool:
        """``export``, ``edit_rules``, ``audit`` or ``tracing`` through any of the roles."""
        roles = directory().roles
        for role in (roles[r] for r in self.roles):
            value = getattr(role, permission)
            if value and value != "none":
                return True
        return False


# Ready-made users for the embedded demo. Not people: a role and a kommune each. Their display
# names are N_-marked source strings, shown translated (display_name()).
DEMO_USERS: dict[str, User] = {
    u.id: u
    for u in (
        User(
            "lege-oslo", N_("Demo: kommuneoverlege, Oslo"), ("kommuneoverlege",), "0301", demo=True
        ),
        User(
            "lege-utsira",
            N_("Demo: kommuneoverlege, Utsira"),
            ("kommuneoverlege",),
            "1151",
            demo=True,
        ),
        User(
            "lege-tromso",
            N_("Demo: kommuneoverlege og smittesporer, Tromsø"),
            ("kommuneoverlege", "smittesporer"),
            "5501",
            demo=True,
        ),
        User(
            "krise-bergen", N_("Demo: kriseledelse, Bergen"), ("kriseledelse",), "4601", demo=True
        ),
        User(
            "sporer-bergen", N_("Demo: smittesporer, Bergen"), ("smittesporer",), "4601", demo=True
        ),
        User(
            "fylkeslege-vestland",
            N_("Demo: fylkeslege, Vestland"),
            ("fylkeslege",),
            fylkesnummer="46",
            demo=True,
        ),
        User("ks-analytiker", N_("Demo: KS-analytiker"), ("ks_analytiker",), demo=True),
        User("admin", N_("Demo: administrator"), ("admin",), demo=True),
        User("regelredaktor", N_("Demo: regelredaktør"), ("regelredaktor",), demo=True),
    )
}


@dataclass(frozen=True)
class Directory:
    """The roles an app knows and the ready-made users its demo login offers. Each app owns
    one (``create_app(directory=…)``; default :data:`DIRECTORY`): a test adds its own role
    and user to a copy instead of writing into the module's tables."""

    roles: Mapping[str, Role]
    demo_users: dict[str, User]

    def with_extra(self, *, roles: Iterable[Role] = (), users: Iterable[User] = ()) -> Directory:
        return Directory(
            roles={**self.roles, **{r.key: r for r in roles}},
            demo_users={**self.demo_users, **{u.id: u for u in users}},
        )


DIRECTORY = Directory(roles=ROLES, demo_users=DEMO_USERS)
DIRECTORY_KEY = "situasjonsbilde.directory"


def directory() -> Directory:
    """The directory of the app serving this request (outside one: :data:`DIRECTORY`)."""
    if has_app_context():
        found: Directory = current_app.extensions.get(DIRECTORY_KEY, DIRECTORY)
        return found
    return DIRECTORY


@cache
def _neighbours() -> dict[str, frozenset[str]]:
    pairs = reference.neighbours_by_travel(2024)
    return {k: frozenset(g["neighbour"]) for k, g in pairs.groupby("kommunenummer")}


@cache
def _county_members() -> dict[str, frozenset[str]]:
    kommuner = reference.kommuner(2024)
    return {f: frozenset(g["kommunenummer"]) for f, g in kommuner.groupby("fylkesnummer")}


def _area(user: User, extent: str) -> frozenset[str] | None:
    if extent == "all":
        return None
    if extent == "none":
        return frozenset()
    own = frozenset({user.kommunenummer}) if user.kommunenummer else frozenset()
    if extent == "own":
        return own
    if extent == "own+neighbours":
        return own | _neighbours().get(user.kommunenummer or "", frozenset())
    if extent == "county":
        fylke = user.fylkesnummer or (user.kommunenummer or "")[:2]
        return _county_members().get(fylke, frozenset())
    raise ValueError(f"unknown extent {extent!r}")


def _union(areas: list[frozenset[str] | None]) -> frozenset[str] | None:
    if any(a is None for a in areas):
        return None
    out: frozenset[str] = frozenset()
    for a in areas:
        out |= a or frozenset()
    return out


def scope_for(user: User) -> Scope:
    """The access scope of a user. Each permission keeps its own area: the dashboard area is
    the union of what each role grants, the comparison area adds the neighbours a role may
    compare with, and the tracing area is the area of the roles with tracing permission only
    (a kommuneoverlege who is also smittesporer traces the own kommune, not the neighbours)."""
    known = directory().roles
    roles = [known[r] for r in user.roles]
    kommuner = _union([_area(user, r.kommuner) for r in roles])
    small = [_area(user, r.small_numbers) for r in roles if r.small_numbers != "none"]
    small_kommuner = _union(small) if small else frozenset()
    comparison = _union([_area(user, r.comparison) for r in roles] + [kommuner])
    tracing = [_area(user, r.kommuner) for r in roles if r.tracing]
    tracing_kommuner = _union(tracing) if tracing else frozenset()
    return Scope(
        user_id=user.id,
        role="+".join(user.roles),
        kommuner=kommuner,
        small_numbers=bool(small),
        small_number_kommuner=small_kommuner,
        tracing=bool(tracing),
        audit=any(r.audit for r in roles),
        edit_rules=any(r.edit_rules for r in roles),
        edit_local_rules_for=(
            frozenset({user.kommunenummer})
            if user.kommunenummer and any(r.edit_local_rules for r in roles)
            else frozenset()
        ),
        # a tracing role covers named kommuner only: never "every kommune"
        tracing_kommuner=tracing_kommuner or frozenset(),
        comparison_kommuner=None if comparison == kommuner else comparison,
        home_kommune=user.kommunenummer,
    )


class Anonymous(AnonymousUserMixin):
    id = "anonymous"
    display_name = "Ikke innlogget"
    roles: tuple[str, ...] = ()


def display_name(user: Any) -> str:
    """A user's name for display: a demo user's (an N_-marked description) translated."""
    name = str(getattr(user, "display_name", ""))
    return _(name) if getattr(user, "demo", False) else name


def current_scope() -> Scope:
    """The scope of the user behind the current request.

    Outside a request (CLI, tests calling functions directly) there is no user: the caller must
    pass a scope explicitly, so this refuses instead of guessing.
    """
    if not has_request_context() or not current_user.is_authenticated:
        return Scope(user_id="anonymous", role="none", kommuner=frozenset())
    return scope_for(current_user)


def map_claims(claims: dict[str, Any], *, mapping_json: str) -> User:
    """Build a user from OpenID Connect claims with the configured mapping.

    ``mapping_json`` (setting ``OIDC_ROLE_MAPPING``) is e.g.
    ``{"role_claim": "roles", "kommune_claim": "kommunenummer", "fylke_claim": "fylkesnummer",
    "roles": {"helseid:kommuneoverlege": "kommuneoverlege", ...}}``. Unknown roles are ignored;
    a user without any known role is refused.
    """
    mapping = json.loads(mapping_json)
    raw = claims.get(mapping.get("role_claim", "roles"), [])
    if isinstance(raw, str):
        raw = raw.split()
    roles = tuple(dict.fromkeys(mapping["roles"][r] for r in raw if r in mapping["roles"]))
    roles = tuple(r for r in roles if r in directory().roles)
    if not roles:
        raise PermissionError(_("Brukeren har ingen rolle i Situasjonsbilde"))
    kommune = claims.get(mapping.get("kommune_claim", "kommunenummer"))
    fylke = claims.get(mapping.get("fylke_claim", "fylkesnummer"))
    # "sub" only: ID-porten's "pid" is a national identity number and is never stored.
    subject = str(claims.get("sub") or "")
    if not subject:
        raise PermissionError(_("Innloggingen mangler subject (sub)"))
    return User(
        id=f"oidc:{subject}",
        display_name=str(claims.get("name") or subject),
        roles=roles,
        kommunenummer=str(kommune).zfill(4) if kommune else None,
        fylkesnummer=str(fylke).zfill(2) if fylke else None,
        claims={k: v for k, v in claims.items() if k in ("sub", "name", "iss")},
    )


def landing_page(user: User) -> str:
    """Where a user starts: the own kommune's Morgenbrief, or the map for national roles."""
    home = user.kommunenummer or (
        reference.first_kommune_in(user.fylkesnummer) if user.fylkesnummer else None
    )
    return f"/morgenbrief/{home}" if home else "/"
