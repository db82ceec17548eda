"""User settings, from ``initializationOptions`` or the ``vault-ls`` configuration section.

Invalid values are reported and replaced by defaults; they never stop the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vault_ls.vault.checks import DEFAULT_SEVERITY

SEVERITY_CHOICES = {"error", "warning", "information", "hint", "off"}


@dataclass
class Settings:
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code -> level or "off"
    completion_limit: int = 50
    max_files: int = 200_000

    @classmethod
    def parse(cls, raw: Any) -> tuple[Settings, list[str]]:
        """Settings from a JSON object, and a message for every value that was ignored."""
        settings, problems = cls(), []
        if not isinstance(raw, dict):
            return settings, ([] if raw is None else ["settings must be an object"])
        exclude = raw.get("exclude", [])
        if isinstance(exclude, list) and all(isinstance(item, str) for item in exclude):
            settings.exclude = exclude
        else:
            problems.append("exclude must be a list of glob patterns")
        severity = raw.get("severity", {})
        if isinstance(severity, dict):
            for code, level in severity.items():
                if code in DEFAULT_SEVERITY and level in SEVERITY_CHOICES:
                    settings.severity[code] = level
                else:
                    problems.append(f"severity: ignored {code!r}: {level!r}")
        else:
            problems.append("severity must map diagnostic codes to a level")
        completion = raw.get("completion", {})
        limit = completion.get("limit", 50) if isinstance(completion, dict) else 50
        if isinstance(limit, int) and limit > 0:
            settings.completion_limit = limit
        else:
            problems.append("completion.limit must be a positive integer")
        max_files = raw.get("maxFiles", settings.max_files)
        if isinstance(max_files, int) and max_files > 0:
            settings.max_files = max_files
        else:
            problems.append("maxFiles must be a positive integer")
        return settings, problems
