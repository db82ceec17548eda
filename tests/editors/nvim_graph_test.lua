-- Driven by tests/editors/test_neovim_graph.py: :VaultGraph of editors/nvim on a copy of the
-- obsidian-help vault, Neovim started from another folder. Parameters from $VAULT_LS_NVIM_TEST
-- (JSON); what it saw goes to the file named there. Every step in pcall: an error must not leave
-- nvim running.
local here = debug.getinfo(1, 'S').source:sub(2):match('(.*/)')
local cfg, out, save, step = dofile(here .. 'nvim_harness.lua').start({ notified = {} })

-- What the plugin told the user, at error level or not (Neovim's own messages left out).
vim.notify = function(message, level)
  message = tostring(message)
  if vim.startswith(message, 'vault-ls: ') then
    table.insert(out.notified, { message, level == vim.log.levels.ERROR and 'error' or 'info' })
  end
end

local function wait_notified(count)
  assert(vim.wait(cfg.timeout_ms, function()
    return #out.notified >= count
  end, 50), 'told nothing')
  vim.wait(300) -- anything said after it
  local said = out.notified
  out.notified = {}
  return said
end

vim.o.swapfile = false
vim.cmd('filetype on')
vim.opt.runtimepath:prepend(cfg.plugin)
vim.cmd('runtime plugin/vault_ls.lua')
local vault_ls = require('vault_ls')
out.cwd = vim.fn.getcwd()

step('setup', function()
  vault_ls.setup({ cmd = cfg.cmd, graph_opener = cfg.opener })
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/' .. cfg.note))
end)

if cfg.mode == 'written' then
  step('graph', function()
    vim.cmd('VaultGraph')
    assert(vim.wait(cfg.timeout_ms, function()
      return vim.fn.filereadable(cfg.record) == 1
    end, 50), 'the opener was not run')
    out.opened = vim.fn.readfile(cfg.record)
    out.graph = wait_notified(1)
  end)
  step('no_opener', function()
    vault_ls.setup({ cmd = cfg.cmd, graph_opener = { 'no-such-opener' } })
    vim.cmd('VaultGraph')
    out.no_opener = wait_notified(2)
  end)
else
  step('failed', function()
    vim.cmd('VaultGraph')
    out.failed = wait_notified(1)
  end)
end

save()
vim.cmd('qall!')
