"""Diagnostics: the engine's checks as LSP diagnostics, with configured severities."""

from __future__ import annotations

from collections.abc import Mapping

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.vault.checks import DEFAULT_SEVERITY, check_note
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
    note = vault.index.notes.get(path)
    if note is None:
        return []
    chosen = {**DEFAULT_SEVERITY, **(severity or {})}
    found = []
    for problem in check_note(vault.index, note, title_sources):
        if vault.alone and problem.code == "unresolved-link":
            continue  # every other note is out of sight, not missing (the log says why)
        level = chosen.get(problem.code, problem.severity)
        if level not in LSP_SEVERITY:
            continue  # "off"
        related = [
            types.DiagnosticRelatedInformation(
                _location(encoder, item.path, item.range), item.message
            )
            for item in problem.related
        ]
        found.append(
            types.Diagnostic(
                range=encoder.range(path, problem.range),
                message=problem.message,
                severity=LSP_SEVERITY[level],
                code=problem.code,
                source=SOURCE,
                related_information=related or None,
            )
        )
    return found


def _location(encoder: Encoder, path: str, where: Range) -> types.Location:
    if where.start.character == 0 and where.end.character == 0:
        position = types.Position(where.start.line, 0)
        return types.Location(encoder.uri(path), types.Range(position, position))
    return encoder.location(path, where)
