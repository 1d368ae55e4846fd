"""The Jinja2 environment every HTML and text output renders with: the agencies' emails, the nightly
report, the weekly summary, and (sharing its macros and level colours) the web console. Every printed
value passes ``shown`` first, so no sender's direction controls reach a reader."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from surveillance.safe_text import without_bidi
from surveillance.signals.levels import COLOURS, LEVELS, label
from surveillance.signals.registry import DOMAINS, method_label
from surveillance.signals.signal import episode_code, signal_code

TEMPLATES = Path(__file__).parent / "templates"


def shown(value: object) -> object:
    """A value as an output shows it: text without direction controls, markup kept markup."""
    if isinstance(value, Markup):
        return Markup(without_bidi(str(value)))
    return without_bidi(value) if isinstance(value, str) else value


SHARED = dict(COLOURS=COLOURS, LEVELS=LEVELS, DOMAINS=DOMAINS, label=label, method_label=method_label,
              signal_code=signal_code, episode_code=episode_code)


def configure(env: Environment) -> Environment:
    """Give ``env`` the shared filters and names (the console's environment gets them too)."""
    env.finalize = shown
    env.globals.update(SHARED)
    return env


@cache
def environment() -> Environment:
    """HTML templates (``*.html``) are autoescaped; text ones (``*.txt``) are not."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return configure(env)


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
