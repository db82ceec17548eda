-- Driven by tests/editors/test_neovim_panels.py: the vault commands of editors/nvim on a copy of
-- the obsidian-help vault, as a user runs them. Parameters from $VAULT_LS_NVIM_TEST (JSON); what
-- it saw goes to the file named there. Every step in pcall: an error must not leave nvim running.
local here = debug.getinfo(1, 'S').source:sub(2):match('(.*/)')
local cfg, out, save, step = dofile(here .. 'nvim_harness.lua').start({})

local function relative(fname)
  fname = vim.fn.fnamemodify(fname, ':p')
  return fname:sub(#cfg.vault + 2)
end

local function quickfix()
  local items = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    table.insert(items, { relative(vim.api.nvim_buf_get_name(item.bufnr)), item.lnum, item.col, item.text })
  end
  vim.cmd('cclose')
  vim.fn.setqflist({}, 'r', { items = {} })
  return items
end

-- What the plugin told the user.
out.notified = {}
vim.notify = function(message, level)
  table.insert(out.notified, tostring(message))
end

-- vim.ui.select as a picker plugin would replace it: takes the item the test names.
local pick = nil
vim.ui.select = function(items, opts, on_choice)
  out.select = out.select or {}
  local shown = {}
  for _, item in ipairs(items) do
    table.insert(shown, opts.format_item and opts.format_item(item) or tostring(item))
  end
  out.select[opts.prompt] = shown
  for i, text in ipairs(shown) do
    if text == pick then
      return on_choice(items[i], i)
    end
  end
  on_choice(nil)
end

vim.o.swapfile = false
vim.cmd('filetype on')
vim.opt.runtimepath:prepend(cfg.plugin)
vim.cmd('runtime plugin/vault_ls.lua')
vim.cmd('cd ' .. vim.fn.fnameescape(cfg.vault))
local vault_ls

local ready = step('attach', function()
  vault_ls = require('vault_ls')
  vault_ls.setup({ cmd = cfg.cmd })
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/' .. cfg.note))
  assert(vim.wait(cfg.timeout_ms, function()
    return vault_ls.status(0).indexed
  end, 50), 'not indexed')
  out.root = vault_ls.clients(0)[1].config.root_dir
end)
if not ready then
  vim.cmd('cquit 1')
end

step('backlinks', function()
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('VaultBacklinks')
  out.backlinks = quickfix()
end)

step('unlinked', function()
  vim.cmd('VaultUnlinked')
  out.unlinked = quickfix()
end)

step('outgoing', function()
  vim.cmd('VaultOutgoing')
  out.outgoing = quickfix()
end)

step('tags', function()
  pick = cfg.tag
  vim.cmd('VaultTags')
  out.tags = quickfix()
end)

local function wait_attached()
  assert(vim.wait(cfg.timeout_ms, function()
    return #vault_ls.clients(0) > 0
  end, 50), 'no client attached to ' .. vim.api.nvim_buf_get_name(0))
end

step('search', function()
  pick = cfg.search_pick
  vim.cmd('VaultSearch ' .. cfg.search)
  out.search = relative(vim.api.nvim_buf_get_name(0))
  wait_attached()
end)

local function wait_for_buffer(name)
  assert(vim.wait(cfg.timeout_ms, function()
    return relative(vim.api.nvim_buf_get_name(0)) == name and not vim.bo.modified
  end, 50), 'not opened and saved: ' .. name .. ' (now ' .. vim.api.nvim_buf_get_name(0) .. ')')
end

step('new', function()
  vim.cmd('VaultNew ' .. cfg.new_name)
  wait_for_buffer(cfg.new_path)
  out.new = relative(vim.api.nvim_buf_get_name(0))
end)

step('today', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/' .. cfg.note))
  wait_attached()
  vim.cmd('VaultToday ' .. cfg.date)
  wait_for_buffer(cfg.daily_path)
  out.today = { relative(vim.api.nvim_buf_get_name(0)), vim.api.nvim_buf_get_lines(0, 0, -1, false) }
end)

step('codelens', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/' .. cfg.note))
  wait_attached()
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.wait(cfg.timeout_ms, function()
    return #vim.lsp.codelens.get(bufnr) > 0
  end, 50), 'no code lenses')
  local lens = vim.lsp.codelens.get(bufnr)[1]
  out.codelens = { lens.range.start.line, lens.command.title }
  local client = vault_ls.clients(bufnr)[1]
  vim.lsp.commands[lens.command.command](lens.command, { bufnr = bufnr, client_id = client.id })
  out.codelens_list = quickfix()
end)

save()
vim.cmd('qall!')
