-- vault-ls: loaded at startup. Nothing starts until require('vault_ls').setup({...}) is called,
-- except when g:vault_ls (a table of setup options) is set before the plugin loads.
if vim.g.loaded_vault_ls then
  return
end
vim.g.loaded_vault_ls = true

if vim.fn.has('nvim-0.7') == 0 then
  vim.api.nvim_err_writeln('vault-ls needs Neovim 0.7 or newer')
  return
end

if type(vim.g.vault_ls) == 'table' then
  require('vault_ls').setup(vim.g.vault_ls)
end
