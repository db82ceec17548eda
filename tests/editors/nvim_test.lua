-- Driven by tests/editors/test_neovim.py: nvim --headless -u NONE -c 'luafile nvim_test.lua'.
-- Reads its parameters from $VAULT_LS_NVIM_TEST (a JSON file), goes through the vault-ls plugin
-- like a user would, and writes what it saw to the JSON file named there. Every step is wrapped
-- in pcall: a thrown error must not leave nvim running.
local cfg = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('VAULT_LS_NVIM_TEST')), '\n'))
local out = { steps = {}, errors = {} }

local function save()
  vim.fn.writefile({ vim.fn.json_encode(out) }, cfg.out)
end

local function step(name, fn)
  local t0 = vim.loop.hrtime()
  local ok, err = pcall(fn)
  out.steps[name] = { ok = ok, ms = math.floor((vim.loop.hrtime() - t0) / 1e6) }
  if not ok then
    table.insert(out.errors, name .. ': ' .. tostring(err))
  end
  save()
  return ok
end

local function feed(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'tx!', false)
end

local function find_line(pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local col = l:find(pattern, 1, true)
    if col then
      return i, col
    end
  end
  error('line not found: ' .. pattern)
end

local function hover_text()
  local params = vim.lsp.util.make_position_params(0, 'utf-16')
  local resp = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 5000) or {}
  local texts = {}
  for _, r in pairs(resp) do
    local result = r.result or (r.err == nil and r[1] and r[1].result)
    if result and result.contents then
      local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
      table.insert(texts, table.concat(lines, '\n'))
    end
  end
  return table.concat(texts, '\n')
end

vim.o.swapfile = false
vim.o.completeopt = 'menuone'
vim.cmd('filetype on')
vim.o.shortmess = vim.o.shortmess .. 'c'
vim.opt.runtimepath:prepend(cfg.plugin)
vim.cmd('runtime plugin/vault_ls.lua')
vim.cmd('cd ' .. vim.fn.fnameescape(cfg.vault))

step('setup', function()
  require('vault_ls').setup({
    cmd = cfg.cmd,
    settings = { severity = { ['unresolved-link'] = 'error' }, completion = { limit = 50 } },
  })
end)

local attached = step('attach', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/Beta.md'))
  assert(vim.bo.filetype == 'markdown', 'filetype is ' .. vim.bo.filetype)
  local ok = vim.wait(cfg.timeout_ms, function()
    return #require('vault_ls').clients(0) > 0 and require('vault_ls').clients(0)[1].initialized
  end, 50)
  assert(ok, 'no vault_ls client attached/initialized')
  local client = require('vault_ls').clients(0)[1]
  out.root = client.config.root_dir
  out.cmd_started = client.config.cmd
  out.omnifunc = vim.bo.omnifunc
  out.native_config = vim.lsp.config ~= nil and vim.lsp.config[client.name] ~= nil
end)

if not attached then
  save()
  vim.cmd('cquit 1')
end

step('indexed', function()
  -- Like a user waiting for the status line to show the note count.
  local ok = vim.wait(cfg.timeout_ms, function()
    return require('vault_ls').status(0).indexed
  end, 50)
  out.status = require('vault_ls').status(0)
  out.statusline = require('vault_ls').statusline()
  assert(ok, 'indexing did not end')
end)

step('diagnostics', function()
  -- Diagnostics published while the index was still loading may flag every link; wait for the
  -- ones published after it.
  local function settled()
    local diags = vim.diagnostic.get(0)
    local missing = false
    for _, d in ipairs(diags) do
      if d.message:find('Missing note', 1, true) then
        missing = true
      end
      if d.lnum == 2 or d.lnum == 4 then
        return false
      end
    end
    return missing
  end
  out.diagnostics_settled = vim.wait(cfg.popup_timeout_ms, settled, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out.diagnostics, {
      lnum = d.lnum,
      col = d.col,
      message = d.message,
      source = d.source,
      severity = d.severity,
      code = d.code or lsp.code,
    })
  end
  assert(#out.diagnostics > 0, 'no diagnostics shown')
end)

step('hover', function()
  local row, col = find_line(cfg.hover_needle)
  vim.api.nvim_win_set_cursor(0, { row, col + 2 })
  out.hover = hover_text()
end)

step('definition', function()
  local row, col = find_line(cfg.definition_needle)
  vim.api.nvim_win_set_cursor(0, { row, col + 3 })
  local before = vim.api.nvim_buf_get_name(0)
  vim.lsp.buf.definition()
  vim.wait(cfg.timeout_ms, function()
    return vim.api.nvim_buf_get_name(0) ~= before
  end, 50)
  out.definition = { file = vim.api.nvim_buf_get_name(0), line = vim.api.nvim_win_get_cursor(0)[1] }
  vim.cmd('buffer ' .. vim.fn.bufnr(before))
end)

step('backlinks', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/' .. cfg.backlinks_file))
  vim.wait(cfg.timeout_ms, function()
    return #require('vault_ls').clients(0) > 0
  end, 50)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('VaultBacklinks')
  out.backlinks = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    table.insert(out.backlinks, { file = vim.api.nvim_buf_get_name(item.bufnr), lnum = item.lnum })
  end
  vim.cmd('cclose')
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.vault .. '/Beta.md'))
end)

-- Keystrokes: `o[[<typed><C-x><C-o>` in Insert mode. feedkeys 'x!' keeps Insert mode until a
-- timer, polling pumvisible(), reads the popup and types <C-y><Esc> (accept the selected item).
local function complete(name, omnifunc, typed)
  step(name, function()
    vim.bo.omnifunc = omnifunc
    local res = { typed = typed, pum = false, items = {} }
    out[name] = res
    vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(0), 0 })
    local started = vim.loop.now()
    local timer
    timer = vim.fn.timer_start(20, function()
      local visible = vim.fn.pumvisible() == 1
      if not visible and vim.loop.now() - started < cfg.popup_timeout_ms then
        return
      end
      vim.fn.timer_stop(timer)
      res.pum = visible
      res.mode = vim.api.nvim_get_mode().mode
      local info = vim.fn.complete_info({ 'items', 'selected' })
      res.selected = info.selected
      for _, it in ipairs(info.items or {}) do
        table.insert(res.items, { word = it.word, abbr = it.abbr })
      end
      local keys = visible and '<C-y><Esc>' or '<Esc>'
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 't', false)
    end, { ['repeat'] = -1 })
    feed('o' .. typed .. '<C-x><C-o>')
    res.line = vim.api.nvim_get_current_line()
    vim.cmd('normal! "_dd')
  end)
end

complete('completion', "v:lua.require'vault_ls'.omnifunc", cfg.typed)
complete('completion_builtin', 'v:lua.vim.lsp.omnifunc', cfg.typed)

-- A note written to disk by another program (this editor has no buffer for it and registers no
-- file watcher): asked for by completion until it is offered, then completed with the popup.
step('outside_note', function()
  local file = assert(io.open(cfg.vault .. '/' .. cfg.outside_note .. '.md', 'w'))
  file:write('# ' .. cfg.outside_note .. '\n')
  file:close()
  local client = require('vault_ls').clients(0)[1]
  vim.api.nvim_buf_set_lines(0, -1, -1, false, { cfg.outside_typed })
  local last = vim.api.nvim_buf_line_count(0)
  vim.api.nvim_win_set_cursor(0, { last, #cfg.outside_typed })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local started = vim.loop.now()
  out.outside_note = { offered = vim.wait(cfg.timeout_ms, function()
    local answer = client.request_sync('textDocument/completion', params, 1000, 0) or {}
    local result = answer.result or {}
    for _, item in ipairs(result.items or result) do
      if item.label:find(cfg.outside_note, 1, true) then
        return true
      end
    end
    return false
  end, 100), ms = vim.loop.now() - started }
  vim.api.nvim_buf_set_lines(0, last - 1, last, false, {})
end)
complete('outside_completion', "v:lua.require'vault_ls'.omnifunc", cfg.outside_typed)

-- The keys the plugin maps on attach, typed as a user would (Normal mode, cursor on a link).
local function keymap_info(lhs)
  local m = vim.fn.maparg(lhs, 'n', false, true)
  return { buffer = m.buffer == 1, desc = m.desc or '' }
end

step('keymaps', function()
  out.keymaps = {}
  for _, lhs in ipairs({ 'gd', 'K', 'gr', '<Leader>rn', '<Leader>ca' }) do
    out.keymaps[lhs] = keymap_info(lhs)
  end
end)

local function floating_text()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      return table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), '\n')
    end
  end
end

step('gd_key', function()
  local beta = vim.api.nvim_buf_get_name(0)
  local row, col = find_line(cfg.definition_needle)
  vim.api.nvim_win_set_cursor(0, { row, col + 3 })
  feed('gd<Esc>')
  vim.wait(cfg.popup_timeout_ms, function()
    return vim.api.nvim_buf_get_name(0) ~= beta
  end, 50)
  out.gd_key = { file = vim.api.nvim_buf_get_name(0), line = vim.api.nvim_win_get_cursor(0)[1] }
  vim.cmd('buffer ' .. vim.fn.bufnr(beta))
end)

step('K_key', function()
  local row, col = find_line(cfg.hover_needle)
  vim.api.nvim_win_set_cursor(0, { row, col + 2 })
  -- <Esc>: without a mapping, K and gr start something that waits for more keys
  local ok, err = pcall(feed, 'K<Esc>')
  out.K_key = { error = not ok and tostring(err) or nil }
  vim.wait(cfg.popup_timeout_ms, function()
    return floating_text() ~= nil
  end, 50)
  out.K_key.float = floating_text() or ''
  feed('<C-w>o') -- close the float (the hover window is the only other one)
end)

step('gr_key', function()
  vim.fn.setqflist({}, 'r')
  local row, col = find_line(cfg.definition_needle)
  vim.api.nvim_win_set_cursor(0, { row, col + 3 })
  pcall(feed, 'gr<Esc>')
  vim.wait(cfg.popup_timeout_ms, function()
    return #vim.fn.getqflist() > 0
  end, 50)
  out.gr_key = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    table.insert(out.gr_key, { file = vim.api.nvim_buf_get_name(item.bufnr), lnum = item.lnum })
  end
  vim.cmd('cclose')
end)

step('keymaps_off', function()
  -- keymaps = false: a buffer attached afterwards gets none of them.
  require('vault_ls').setup({ cmd = cfg.cmd, keymaps = false })
  vim.cmd('edit! ' .. vim.fn.fnameescape(cfg.vault .. '/Readwise/Books/Deep Work.md'))
  local ok = vim.wait(cfg.timeout_ms, function()
    return #require('vault_ls').clients(0) > 0
  end, 50)
  assert(ok, 'no client attached to the second buffer')
  out.keymaps_off = { gd = keymap_info('gd'), gr = keymap_info('gr') }
end)

out.version = vim.version()
save()
vim.cmd('qall!')
