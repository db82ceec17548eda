-- Driven by tests/editors/test_neovim.py (the "outside" cases): nvim is started from a folder
-- that is not the note's. Opens one note ($VAULT_LS_NVIM_TEST names a JSON file of parameters)
-- either through the plugin (mode "plugin") or through a bare client rooted at the current
-- directory, as an nvim-lspconfig set-up of old did (mode "bare"), and writes what it saw: the
-- root, the workspace folders, the note count, diagnostics, a hover, completion items and the
-- server's log messages. Every step is wrapped in pcall: a thrown error must not leave nvim running.
local here = debug.getinfo(1, 'S').source:sub(2):match('(.*/)')
local cfg, out, save, step = dofile(here .. 'nvim_harness.lua').start({ logs = {}, cwd = vim.fn.getcwd() })

local function first_result(resp)
  for _, r in pairs(resp or {}) do
    if r.result then
      return r.result
    end
  end
end

local function at(needle, offset)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local col = l:find(needle, 1, true)
    if col then
      return i - 1, col - 1 + offset
    end
  end
  error('not found: ' .. needle)
end

local function params_at(line, byte)
  local text = vim.api.nvim_buf_get_lines(0, line, line + 1, false)[1]
  local _, utf16 = vim.str_utfindex(text, byte)
  return { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = utf16 } }
end

local function log_message(_, result)
  table.insert(out.logs, result.message)
end

vim.o.swapfile = false
vim.cmd('filetype on')
local client_id

step('start', function()
  if cfg.mode == 'plugin' then
    vim.opt.runtimepath:prepend(cfg.plugin)
    vim.cmd('runtime plugin/vault_ls.lua')
    require('vault_ls').setup({ cmd = cfg.cmd })
    vim.lsp.handlers['window/logMessage'] = log_message
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.file))
  assert(vim.bo.filetype == 'markdown', 'filetype is ' .. vim.bo.filetype)
  if cfg.mode == 'bare' then
    local root = vim.fn.getcwd()
    local config = {
      name = 'bare',
      cmd = cfg.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = 'cwd' } },
      handlers = { ['window/logMessage'] = log_message },
    }
    if vim.lsp.start then
      client_id = vim.lsp.start(config)
    else
      client_id = vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(0, client_id)
    end
  end
  local ok = vim.wait(cfg.timeout_ms, function()
    local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = 0 }) or vim.lsp.buf_get_clients(0)
    for _, c in pairs(clients) do
      if c.initialized then
        client_id = c.id
        return true
      end
    end
    return false
  end, 50)
  assert(ok, 'no client attached/initialized')
  local client = vim.lsp.get_client_by_id(client_id)
  out.root = client.config.root_dir
  out.workspace_folders = {}
  for _, folder in ipairs(client.workspace_folders or {}) do
    table.insert(out.workspace_folders, vim.uri_to_fname(folder.uri))
  end
end)

step('indexed', function()
  local ok = vim.wait(cfg.timeout_ms, function()
    for _, message in ipairs(out.logs) do
      if message:find('^Indexed') then
        return true
      end
    end
    return false
  end, 50)
  assert(ok, 'indexing did not end')
  if cfg.mode == 'plugin' then
    vim.wait(1000, function()
      return require('vault_ls').status(0).indexed
    end, 20)
    out.statusline = require('vault_ls').statusline()
  end
end)

step('diagnostics', function()
  vim.wait(cfg.timeout_ms, function()
    return #vim.diagnostic.get(0) >= cfg.diagnostics_expected
  end, 50)
  vim.wait(500) -- nothing more should come
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, code = d.code or lsp.code })
  end
  table.sort(out.diagnostics, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
end)

step('hover', function()
  local line, byte = at(cfg.hover_needle, 2)
  local result = first_result(vim.lsp.buf_request_sync(0, 'textDocument/hover', params_at(line, byte), 5000))
  out.hover = result and result.contents and result.contents.value or vim.NIL
end)

step('completion', function()
  -- as typed: a new last line holding `[[` + a few letters
  vim.api.nvim_buf_set_lines(0, -1, -1, false, { cfg.typed })
  local line = vim.api.nvim_buf_line_count(0) - 1
  local result = first_result(vim.lsp.buf_request_sync(0, 'textDocument/completion', params_at(line, #cfg.typed), 5000))
  out.completion = {}
  for _, item in ipairs(result and (result.items or result) or {}) do
    table.insert(out.completion, item.label)
  end
  table.sort(out.completion)
end)

out.version = vim.version()
save()
vim.cmd('qall!')
