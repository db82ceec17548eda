"""Checking a whole vault: every problem of every note, with the figures a summary needs."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from vault_ls.vault.checks import SEVERITIES, Problem, check_note
from vault_ls.vault.index import VaultIndex


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    notes: int = 0
    links: int = 0
    resolved_links: int = 0
    severity: dict[str, str] = field(default_factory=dict)  # code -> level, over the defaults

    def severity_of(self, problem: Problem) -> str:
        return self.severity.get(problem.code, problem.severity)

    def count(self, severity: str) -> int:
        return sum(1 for problem in self.problems if self.severity_of(problem) == severity)

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(s)} {s if s == 'information' or self.count(s) == 1 else s + 's'}"
            for s in SEVERITIES
        )
        noted = len({problem.path for problem in self.problems})
        total = len(self.problems)
        problems = f"{total} problem{'' if total == 1 else 's'}"
        return (
            f"{problems} ({counts}) in {noted} of {self.notes} notes; "
            f"{self.links} links, {self.resolved_links} resolved"
        )


def check_vault(
    index: VaultIndex,
    notes: Collection[str] | None = None,
    severity: Mapping[str, str] | None = None,
    title_sources: frozenset[str] | None = None,
) -> Report:
    """The problems of ``notes`` (vault paths; None: every note), with ``severity`` mapping a
    code to a level or to ``off`` (not reported)."""
    chosen = dict(severity or {})
    report = Report(severity={code: level for code, level in chosen.items() if level != "off"})
    chosen_notes = index if notes is None else [index.notes[p] for p in notes if p in index.notes]
    for note in chosen_notes:
        report.notes += 1
        found = check_note(index, note, title_sources)
        report.problems.extend(p for p in found if chosen.get(p.code) != "off")
        for link in note.links:
            report.links += 1
            if index.resolve(link, note.path).path is not None:
                report.resolved_links += 1
    report.problems.sort(key=lambda p: (p.path, p.range.start, p.code))
    return report
