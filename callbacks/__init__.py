"""Thin callbacks: read inputs, call queries with the user's scope, call metrics and figures."""

from __future__ import annotations

from dash import Dash

from callbacks import kommune, shell, smittekart


def register(app: Dash) -> None:
    for module in (shell, smittekart, kommune):
        module.register(app)
