"""Text from ECS is data: what makes it safe to show in email and chat.

Everything an alert says about a task comes from the event stream or the task's own log
stream, which whoever runs the task controls. So before it leaves:
- control characters are written as visible escapes, the way the `ecs-events` CLI prints
  the same data (cli/ecs_events_cli/render.py): C0 controls but the newline, DEL, C1
  controls (U+009B is a one-byte CSI) as `\\x1b`, `\\r`, `\\x9b`; and the bidirectional
  overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder what a reader sees,
  as `\\u202e`;
- in chat, mention and link syntax cannot ping or link: `<` and `>` become the look-alike
  quotes U+2039 and U+203A (so `<!channel>`, `<@U123>`, `<#C123>` and `<url|text>` are
  inert), and the `@` of `@here`, `@channel`, `@everyone` becomes the full-width U+FF20;
- inside a code fence a backtick becomes U+02CB (modifier letter grave accent), so no
  line can close the fence.
"""

from __future__ import annotations

import re
from typing import Any

# The newline is kept in multi-line text (it is the text's layout); everything else shown.
_CONTROL_KEEP_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)


def _escape(found: re.Match[str]) -> str:
    # unicode_escape writes \x1b, \r, \t, \x9b and \u202e: the CLI's form for the same data.
    return found.group().encode("unicode_escape").decode("ascii")


def visible(text: str, newlines: bool = True) -> str:
    """The text with every control character written as an escape; with `newlines`
    False, the newline too (one-line values: a subject, a chat title, a fact)."""
    return (_CONTROL_KEEP_NEWLINE if newlines else _CONTROL).sub(_escape, text)


def visible_data(value: Any) -> Any:
    """A JSON document with every string in it made visible (keys and values)."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible(str(k)): visible_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [visible_data(item) for item in value]
    return value


def chat_text(text: str, newlines: bool = True) -> str:
    """Text from ECS as chat shows it: visible, with no mention or link that works."""
    text = visible(text, newlines).replace("<", "\u2039").replace(">", "\u203a")
    return _BROADCAST.sub("\uff20", text)


def fenced(text: str) -> str:
    """A code block whose content cannot end it."""
    return "```\n" + chat_text(text).replace("`", "\u02cb") + "\n```"
