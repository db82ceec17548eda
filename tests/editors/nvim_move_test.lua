-- Driven by tests/editors/test_neovim.py (test_vault_move_and_rename): opens a note through the
-- plugin, waits for the index, runs :VaultMove, :VaultRename, then vim.lsp.buf.rename() on a link, and writes the files
-- of the vault afterwards (their exact bytes), the buffer's name and the messages shown.
-- Every step is wrapped in pcall: a thrown error must not leave nvim running.
local here = debug.getinfo(1, 'S').source:sub(2):match('(.*/)')
local cfg, out, save, step = dofile(here .. 'nvim_harness.lua').start({ notified = {} })

local function files()
  local found = {}
  for _, path in ipairs(vim.fn.globpath(cfg.vault, '**/*.md', false, true)) do
    local f = assert(io.open(path, 'rb'))
    found[path:sub(#cfg.vault + 2)] = f:read('*a')
    f:close()
  end
  return found
end

local function settled()
  -- a request answered after the notifications sent before it
  vim.lsp.buf_request_sync(0, 'workspace/symbol', { query = 'x' }, 5000)
  vim.wait(300)
end

vim.o.swapfile = false
-- :wall below must write what the edits left: Neovim's own 'fixendofline' would add the final
-- newline that one note here lacks on purpose
vim.opt.fixendofline = false
vim.cmd('filetype on')
vim.notify = function(message, level)
  table.insert(out.notified, message)
end

step('start', function()
  vim.opt.runtimepath:prepend(cfg.plugin)
  vim.cmd('runtime plugin/vault_ls.lua')
  require('vault_ls').setup({ cmd = cfg.cmd })
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/' .. cfg.note))
  local ok = vim.wait(cfg.timeout_ms, function()
    return require('vault_ls').status(0).indexed
  end, 50)
  assert(ok, 'indexing did not end')
end)

step('move', function()
  vim.cmd('VaultMove ' .. cfg.move_to)
  settled()
  out.after_move = { files = files(), buffer = vim.api.nvim_buf_get_name(0), modified = vim.bo.modified }
end)

step('rename', function()
  vim.cmd('VaultRename ' .. cfg.rename_to)
  settled()
  out.after_rename = { files = files(), buffer = vim.api.nvim_buf_get_name(0), modified = vim.bo.modified }
  local listed = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      table.insert(listed, vim.api.nvim_buf_get_name(buf))
    end
  end
  out.loaded = listed
end)

step('refused', function()
  vim.cmd('VaultMove projects/Other.md')
  out.refused = out.notified[#out.notified]
end)

step('lsp_rename', function()
  -- vim.lsp.buf.rename() on the [[Home — start]] link of line 2, as a user's keymap runs it,
  -- then :wall as the user saves the notes Neovim edited
  vim.api.nvim_win_set_cursor(0, { 2, cfg.link_column })
  vim.lsp.buf.rename(cfg.lsp_rename_to)
  local ok = vim.wait(cfg.timeout_ms, function()
    return vim.fn.filereadable(cfg.vault .. '/' .. cfg.lsp_rename_to .. '.md') == 1
  end, 50)
  assert(ok, 'the note was not renamed')
  vim.cmd('silent wall')
  settled()
  out.after_lsp_rename = { files = files() }
end)

out.version = vim.version()
save()
vim.cmd('qall!')
