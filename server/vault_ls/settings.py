"""User settings, from ``initializationOptions`` or the ``vault-ls`` configuration section.

Invalid values are reported and replaced by defaults; they never stop the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vault_ls.vault.checks import DEFAULT_SEVERITY, TITLE_SOURCES

SEVERITY_CHOICES = {"error", "warning", "information", "hint", "off"}
COMPLETION_STYLES = {"shortest", "path", "name"}


@dataclass
class Settings:
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code -> level or "off"
    completion_limit: int = 50
    # "shortest": [[Name]], [[folder/Name]] only when names clash; "path": the full vault path;
    # "name": always the bare name (Obsidian's "shortest path" without disambiguation)
    completion_style: str = "shortest"
    title_sources: frozenset[str] | None = None  # TitleClaim sources the title checks compare
    max_files: int = 200_000
    # rename: display text that is the old name follows the new one, as in Obsidian
    rename_display_text: bool = True

    @classmethod
    def parse(cls, raw: Any) -> tuple[Settings, list[str]]:
        """Settings from a JSON object, and a message for every value that was ignored."""
        settings, problems = cls(), []
        if not isinstance(raw, dict):
            # null, [] and "" are how clients say "no settings"
            return settings, ([] if not raw else ["settings must be an object"])
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
        if not isinstance(completion, dict):
            completion = {}
            problems.append("completion must be an object")
        limit = completion.get("limit", 50)
        if isinstance(limit, int) and limit > 0:
            settings.completion_limit = limit
        else:
            problems.append("completion.limit must be a positive integer")
        style = completion.get("style", "shortest")
        if style in COMPLETION_STYLES:
            settings.completion_style = style
        else:
            problems.append(f"completion.style must be one of {sorted(COMPLETION_STYLES)}")
        sources = raw.get("titleSources")
        if sources is not None:
            if isinstance(sources, list) and all(s in TITLE_SOURCES for s in sources):
                settings.title_sources = frozenset(TITLE_SOURCES[s] for s in sources)
            else:
                problems.append(f"titleSources must list some of {sorted(TITLE_SOURCES)}")
        max_files = raw.get("maxFiles", settings.max_files)
        if isinstance(max_files, int) and max_files > 0:
            settings.max_files = max_files
        else:
            problems.append("maxFiles must be a positive integer")
        rename = raw.get("rename", {})
        display_text = rename.get("updateDisplayText", True) if isinstance(rename, dict) else None
        if isinstance(display_text, bool):
            settings.rename_display_text = display_text
        else:
            problems.append("rename.updateDisplayText must be true or false")
        return settings, problems
