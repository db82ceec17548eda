//! Zed extension that starts vault-ls for Markdown: `lsp.vault-ls.binary` from the settings, else
//! `vault-ls` from the PATH; `initialization_options` and `settings` are passed through (the
//! latter as the `vault-ls` section of workspace/configuration).
use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

struct VaultLs;

impl zed::Extension for VaultLs {
    fn new() -> Self {
        VaultLs
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        let configured = binary.as_ref().and_then(|b| b.path.clone());
        let command = match configured {
            Some(path) if path.contains('/') => path,
            Some(name) => worktree
                .which(&name)
                .ok_or_else(|| format!("{name} is not on the PATH"))?,
            None => worktree
                .which("vault-ls")
                .ok_or("vault-ls is not on the PATH: pip install vault-ls, or set lsp.vault-ls.binary.path")?,
        };
        Ok(zed::Command {
            command,
            args: binary.and_then(|b| b.arguments).unwrap_or_default(),
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        let settings = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.settings);
        Ok(settings.map(|s| serde_json::json!({ "vault-ls": s })))
    }
}

zed::register_extension!(VaultLs);
