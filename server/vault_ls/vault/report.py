"""Checking a whole vault: every problem of every note, with the figures a summary needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from vault_ls.vault.checks import SEVERITIES, Problem, check_note
from vault_ls.vault.index import VaultIndex


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    notes: int = 0
    links: int = 0
    resolved_links: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for problem in self.problems if problem.severity == severity)

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


def check_vault(index: VaultIndex) -> Report:
    report = Report(notes=len(index))
    for note in index:
        report.problems.extend(check_note(index, note))
        for link in note.links:
            report.links += 1
            if index.resolve(link, note.path).path is not None:
                report.resolved_links += 1
    report.problems.sort(key=lambda p: (p.path, p.range.start, p.code))
    return report
