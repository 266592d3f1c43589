"""Access scope carried by every read of the data layer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


class ScopeError(PermissionError):
    """A read asked for something outside the caller's scope."""

    def __init__(self, message: str, *, kommunenummer: str | None = None) -> None:
        super().__init__(message)
        self.kommunenummer = kommunenummer
        self.audited = False  # set once data.audit has recorded this refusal


@dataclass(frozen=True)
class Scope:
    """What one caller may read.

    ``kommuner`` is ``None`` for every kommune, otherwise the set of kommunenummer the caller
    may see at kommune level. ``small_numbers`` says whether counts 1–4 may be shown unmasked;
    ``small_number_kommuner`` narrows that to some kommuner (a kommuneoverlege sees small
    numbers for the own kommune only). ``tracing`` says whether person-level tracing data may be
    read at all. ``edit_rules`` allows recording national, county and local rule versions;
    ``edit_local_rules_for`` names the kommuner whose own (local) rules the caller may record
    (a kommuneoverlege for the own kommune).
    """

    user_id: str
    role: str
    kommuner: frozenset[str] | None = None
    small_numbers: bool = False
    small_number_kommuner: frozenset[str] | None = None
    tracing: bool = False
    audit: bool = False
    edit_rules: bool = False
    edit_local_rules_for: frozenset[str] = frozenset()
    tracing_kommuner: frozenset[str] = frozenset()
    comparison_kommuner: frozenset[str] | None = None
    home_kommune: str | None = None

    @classmethod
    def full(cls, user_id: str = "system") -> Scope:
        # For the CLI, loaders and tests; web requests get a user's scope from dashboard.auth.
        return cls(user_id=user_id, role="system", kommuner=None, small_numbers=True, tracing=False)

    def cache_key(self) -> tuple[object, ...]:
        """What a read's result depends on: the role and what it may see (the policy and
        scope), not who the user is: everyone with the same role and scope shares the
        published cells and their cached pages."""
        kommuner = None if self.kommuner is None else tuple(sorted(self.kommuner))
        small = (
            None
            if self.small_number_kommuner is None
            else tuple(sorted(self.small_number_kommuner))
        )
        return (
            self.role,
            kommuner,
            self.small_numbers,
            small,
            self.tracing,
            self.audit,
            self.edit_rules,
            tuple(sorted(self.edit_local_rules_for)),
            tuple(sorted(self.tracing_kommuner)),
            None if self.comparison_kommuner is None else tuple(sorted(self.comparison_kommuner)),
        )

    def may_trace(self, kommuner: Iterable[str]) -> bool:
        """Whether a cluster involving these kommuner is in the tracing area."""
        return self.tracing and bool(self.tracing_kommuner & {str(k) for k in kommuner})

    def comparison_for(self, kommunenummer: str) -> Scope:
        """The scope of the aggregated comparison on the page of one own kommune: the same
        role and small-number policy, its kommune-level area widened to the comparison area
        (the neighbours' key numbers, protected as for any kommune outside the own). Refuses
        a kommune outside :attr:`kommuner`: a neighbour's page gets no comparison either."""
        self.restrict([kommunenummer])
        if self.comparison_kommuner is None or self.kommuner is None:
            return self
        return replace(self, kommuner=self.kommuner | self.comparison_kommuner)

    def may_see_small_numbers(self, kommunenummer: str | None) -> bool:
        """Small counts for one kommune, or for an aggregate area when ``None``."""
        if not self.small_numbers:
            return False
        if self.small_number_kommuner is None:
            return True
        return kommunenummer is not None and kommunenummer in self.small_number_kommuner

    def may_record_rule(self, scope_level: str, scope_code: str | None) -> bool:
        """Whether rule versions at this level (and for this kommune) may be recorded."""
        if self.edit_rules:
            return True
        return scope_level == "kommune" and scope_code in self.edit_local_rules_for

    def allows(self, kommunenummer: str) -> bool:
        return self.kommuner is None or kommunenummer in self.kommuner

    def restrict(self, kommuner: Iterable[str] | None) -> list[str] | None:
        """The kommuner a read may return: the request intersected with the scope.

        Raises :class:`ScopeError` when the request names a kommune outside the scope, so
        that a crafted request is refused instead of silently widened or narrowed.
        """
        if kommuner is None:
            return None if self.kommuner is None else sorted(self.kommuner)
        requested = [str(k) for k in kommuner]
        outside = [k for k in requested if not self.allows(k)]
        if outside:
            raise ScopeError(
                f"Ingen tilgang til kommune {', '.join(sorted(outside))} for rollen {self.role}",
                kommunenummer=sorted(outside)[0],
            )
        return requested
