"""Secrets out of the last log lines before they reach email and chat.

An alert topic's audience (a mailing list, a chat channel) is usually wider than the log
group's readers, so a line is redacted before it leaves:
- every value of the task's own environment-variable overrides
  (`overrides.containerOverrides[].environment[].value`, secrets until proven otherwise)
  of at least _MIN_OVERRIDE_CHARACTERS characters, wherever it appears;
- the common secret shapes: AWS access key ids (AKIA..., ASIA...), a 40-character AWS
  secret key next to a key name, `Bearer ...` / `Basic ...` credentials, the password of a
  URL (`scheme://user:password@`), `password=...`, `secret: ...`, `token=...` and similar
  key/value forms, and whole `-----BEGIN ... PRIVATE KEY-----` blocks (every line up to
  the END line, which a log stream holds one line per event);
- whatever the operator's extra patterns (ALERT_REDACT_PATTERNS) match.
What is redacted becomes `[REDACTED]`; a key name before it stays, so the line still says
what it was about.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

REDACTED = "[REDACTED]"
# Shorter values ("1", "on", "eu") would erase ordinary words from every line.
_MIN_OVERRIDE_CHARACTERS = 4

_KEY_NAMES = (
    r"password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?token|"
    r"auth[_-]?token|client[_-]?secret|private[_-]?key|credentials?"
)
# (pattern, replacement): groups named in the replacement keep the context.
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    (re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"), REDACTED),
    (
        re.compile(
            r"(?i)(aws_?secret_?(?:access_?)?key\W{0,4})[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"
        ),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{6,}"), r"\1\2" + REDACTED),
    (re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:)[^\s/@]+@"), r"\1" + REDACTED + "@"),
    (
        re.compile(
            rf"(?i)\b((?:[A-Za-z0-9]+[_-])*(?:{_KEY_NAMES})[\"']?\s*[=:]\s*)"
            r"(\"[^\"]*\"|'[^']*'|[^\s,;&\"']+)"
        ),
        r"\1" + REDACTED,
    ),
)
_KEY_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY-----")


class BadPattern(ValueError):
    """An extra redaction pattern that Python's `re` refuses."""


def compile_patterns(raw: str) -> tuple[re.Pattern[str], ...]:
    """ALERT_REDACT_PATTERNS: a JSON list of regular expressions (Python `re` syntax)."""
    if not raw.strip():
        return ()
    try:
        patterns = json.loads(raw)
    except ValueError as error:
        raise BadPattern(f"must be a JSON list of regular expressions: {error}") from None
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise BadPattern("must be a JSON list of non-empty strings")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise BadPattern(f"{pattern!r} is not a regular expression: {error}") from None
    return tuple(compiled)


def override_values(detail: object) -> tuple[str, ...]:
    """The values of a task event's environment-variable overrides, longest first (so
    that a value containing another is redacted whole)."""
    values: set[str] = set()
    overrides = detail.get("overrides") if isinstance(detail, dict) else None
    containers = overrides.get("containerOverrides") if isinstance(overrides, dict) else None
    for container in containers if isinstance(containers, list) else []:
        environment = container.get("environment") if isinstance(container, dict) else None
        for variable in environment if isinstance(environment, list) else []:
            value = variable.get("value") if isinstance(variable, dict) else None
            if isinstance(value, str) and len(value) >= _MIN_OVERRIDE_CHARACTERS:
                values.add(value)
    return tuple(sorted(values, key=len, reverse=True))


def redact_lines(
    lines: Iterable[str],
    secrets: Sequence[str] = (),
    extra: Sequence[re.Pattern[str]] = (),
) -> list[str]:
    """The lines with secrets replaced by [REDACTED] (see the module's rule)."""
    result = []
    in_key = False
    for line in lines:
        if in_key or _KEY_BEGIN.search(line):
            # The whole block, header and footer lines included: nothing of the key shows.
            in_key = not _KEY_END.search(line)
            result.append(REDACTED)
            continue
        result.append(redact(line, secrets, extra))
    return result


def redact(text: str, secrets: Sequence[str] = (), extra: Sequence[re.Pattern[str]] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    for pattern in extra:
        text = pattern.sub(REDACTED, text)
    return text
