"""Diagnostics: the engine's checks as LSP diagnostics, with configured severities."""

from __future__ import annotations

from collections.abc import Mapping

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.vault.checks import DEFAULT_SEVERITY, Problem, check_note
from vault_ls.vault.positions import Range
from vault_ls.vault.snapshot import Snapshot

SOURCE = "vault-ls"
LSP_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def diagnostics(
    vault: Snapshot,
    path: str,
    encoder: Encoder,
    severity: Mapping[str, str] | None = None,
    title_sources: frozenset[str] | None = None,
) -> list[types.Diagnostic]:
    """``severity`` maps a code to error/warning/information/hint, or ``off`` to drop it;
    ``title_sources`` limits the declared titles the title checks compare. A note served
    alone gets no ``unresolved-link``: the notes its links name were never looked for."""
    found = []
    for problem, level in shown_problems(vault, path, severity, title_sources):
        found.append(to_diagnostic(encoder, problem, level))
    return found


def shown_problems(
    vault: Snapshot,
    path: str,
    severity: Mapping[str, str] | None = None,
    title_sources: frozenset[str] | None = None,
) -> list[tuple[Problem, str]]:
    """The problems of the note the editor shows, each with its configured level."""
    note = vault.index.notes.get(path)
    if note is None:
        return []
    chosen = {**DEFAULT_SEVERITY, **(severity or {})}
    shown = []
    for problem in check_note(vault.index, note, title_sources):
        if vault.alone and problem.code == "unresolved-link":
            continue  # every other note is out of sight, not missing (the log says why)
        level = chosen.get(problem.code, problem.severity)
        if level in LSP_SEVERITY:  # else "off"
            shown.append((problem, level))
    return shown


def to_diagnostic(encoder: Encoder, problem: Problem, level: str) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(_location(encoder, item.path, item.range), item.message)
        for item in problem.related
    ]
    return types.Diagnostic(
        range=encoder.range(problem.path, problem.range),
        message=problem.message,
        severity=LSP_SEVERITY[level],
        code=problem.code,
        source=SOURCE,
        related_information=related or None,
    )


def _location(encoder: Encoder, path: str, where: Range) -> types.Location:
    if where.start.character == 0 and where.end.character == 0:
        position = types.Position(where.start.line, 0)
        return types.Location(encoder.uri(path), types.Range(position, position))
    return encoder.location(path, where)
