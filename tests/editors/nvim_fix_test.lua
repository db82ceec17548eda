-- Driven by tests/editors/test_neovim.py (test_code_action_creates_the_missing_note): opens a note
-- with a broken link through the plugin, waits for its unresolved-link diagnostic, puts the cursor
-- on the link and runs vim.lsp.buf.code_action(), picking "Create note" from the menu a user sees
-- (vim.ui.select); then writes the titles offered, the new file's bytes and the diagnostics left.
-- Every step is wrapped in pcall: a thrown error must not leave nvim running.
local here = debug.getinfo(1, 'S').source:sub(2):match('(.*/)')
local cfg, out, save, step = dofile(here .. 'nvim_harness.lua').start({})

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, { d.lnum, d.code, d.message })
  end
  return found
end

vim.o.swapfile = false
vim.cmd('filetype on')
local note_buf

step('start', function()
  vim.opt.runtimepath:prepend(cfg.plugin)
  vim.cmd('runtime plugin/vault_ls.lua')
  require('vault_ls').setup({ cmd = cfg.cmd })
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/' .. cfg.note))
  note_buf = vim.api.nvim_get_current_buf()
  assert(vim.wait(cfg.timeout_ms, function()
    return require('vault_ls').status(0).indexed and #vim.diagnostic.get(note_buf) > 0
  end, 50), 'no diagnostics')
  out.before = codes(note_buf)
end)

step('fix', function()
  local line = vim.api.nvim_buf_get_lines(0, cfg.line, cfg.line + 1, false)[1]
  vim.api.nvim_win_set_cursor(0, { cfg.line + 1, line:find(cfg.needle, 1, true) + 2 })
  local chosen = false
  vim.ui.select = function(items, opts, on_choice)
    out.offered = {}
    local pick
    for i, item in ipairs(items) do
      local title = opts.format_item(item)
      table.insert(out.offered, title)
      if title == cfg.pick and not pick then
        pick = i
      end
    end
    chosen = true
    on_choice(pick and items[pick] or nil, pick)
  end
  vim.lsp.buf.code_action()
  assert(vim.wait(cfg.timeout_ms, function()
    return chosen
  end, 50), 'no code action menu')
  local path = cfg.vault .. '/' .. cfg.new_path
  assert(vim.wait(cfg.timeout_ms, function()
    local f = io.open(path, 'rb')
    local text = f and f:read('*a')
    if f then
      f:close()
    end
    out.created = text
    return text ~= nil and text ~= ''
  end, 50), 'no note written at ' .. path)
  vim.api.nvim_set_current_buf(note_buf)
  -- the broken link is no longer reported once the server has seen the note come
  vim.wait(cfg.timeout_ms, function()
    return #vim.diagnostic.get(note_buf) < #out.before
  end, 50)
  out.after = codes(note_buf)
  out.note_modified = vim.bo[note_buf].modified
end)

out.version = vim.version()
save()
vim.cmd('qall!')
