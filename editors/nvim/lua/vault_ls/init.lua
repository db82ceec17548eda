-- vault-ls for Neovim: starts (or reuses) the vault-ls language server for the Markdown buffers of
-- an Obsidian-style vault and adds a few vault commands.
--
-- Neovim 0.11+ uses vim.lsp.config / vim.lsp.enable; older versions (0.7 and up) use
-- vim.lsp.start_client + vim.lsp.buf_attach_client with one client per vault root.
local M = {}

local uv = vim.loop

M.defaults = {
  -- Command that starts the server on stdio.
  cmd = { 'vault-ls' },
  -- Filetypes to attach to.
  filetypes = { 'markdown' },
  -- The vault root is the nearest folder above the buffer's file holding the first marker, else
  -- the nearest holding the second, and so on (an entry may be a list of markers of equal rank).
  root_markers = { '.obsidian', '.git' },
  -- Root used when no marker is found: a path, or a function(bufnr) -> path. Used only when it
  -- contains the file; otherwise (and when nil) the root is the file's own folder.
  root_dir = nil,
  -- Server settings, sent as initializationOptions and answered to workspace/configuration
  -- (section "vault-ls"): { exclude = {...}, severity = {...}, completion = { limit = 50 } }.
  settings = {},
  -- Called as on_attach(client, bufnr) after the built-in setup (omnifunc, keymaps).
  on_attach = nil,
  -- Client capabilities (e.g. from cmp_nvim_lsp); nil uses Neovim's defaults.
  capabilities = nil,
  -- Set buffer-local omnifunc to vault_ls.omnifunc (wikilink-aware <C-x><C-o>).
  omnifunc = true,
  -- Buffer-local keys set when the server attaches, as nvim-lspconfig users expect: action ->
  -- key (false leaves that key alone); `keymaps = false` sets none. rename and code_action are
  -- mapped only when the server offers them.
  keymaps = {
    definition = 'gd',
    hover = 'K',
    references = 'gr',
    rename = '<leader>rn',
    code_action = '<leader>ca',
  },
  -- Create :VaultBacklinks, :VaultRestart, :VaultLog, :VaultInfo, :VaultRename, :VaultMove.
  commands = true,
  -- Use vim.lsp.config/enable on Neovim 0.11+ (set false to force the start_client path).
  native_config = true,
  -- Client name.
  name = 'vault_ls',
}

M.config = vim.deepcopy(M.defaults)
M._clients = {} -- root -> client id (Neovim < 0.11 path)

local function is_dir(p)
  local st = p and uv.fs_stat(p)
  return st ~= nil and st.type == 'directory'
end

local function dirname(p)
  return vim.fn.fnamemodify(p, ':h')
end

local function without_slash(path)
  return (path:gsub('(.)/$', '%1'))
end

local function contains(root, file)
  return root == '/' or file == root or vim.startswith(file, root .. '/')
end

--- The nearest folder from dir upward holding one of markers, or nil.
local function nearest(dir, markers)
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

--- The vault root of a buffer: the nearest folder upward holding `.obsidian/`, else `.git/`
--- (`root_markers`), else the configured root_dir when it contains the file, else the file's
--- own folder. Never a folder that does not contain the file (the server would index that
--- folder and know nothing of the note). A buffer without a file gets the current directory.
function M.find_root(bufnr)
  bufnr = bufnr or 0
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return without_slash(vim.fn.getcwd())
  end
  local file = vim.fn.fnamemodify(name, ':p')
  local dir = without_slash(dirname(file))
  for _, rank in ipairs(M.config.root_markers) do
    local found = nearest(dir, type(rank) == 'table' and rank or { rank })
    if found then
      return found
    end
  end
  local fallback = M.config.root_dir
  if type(fallback) == 'function' then
    fallback = fallback(bufnr)
  end
  if fallback and fallback ~= '' then
    fallback = without_slash(vim.fn.fnamemodify(fallback, ':p'))
    if contains(fallback, file) then
      return fallback
    end
  end
  return dir
end

-- An empty Lua table would go out as a JSON array: send {} as an object.
local function as_object(t)
  if t == nil or next(t) == nil then
    return vim.empty_dict()
  end
  return t
end

local function settings_table()
  return { ['vault-ls'] = as_object(M.config.settings) }
end

-- Indexing progress -----------------------------------------------------------------------------
-- The server reports "$/progress" titled "Indexing vault" (begin/report) and ends with
-- "Indexed N notes". Kept per client for M.status() / M.statusline(); a `User VaultLsIndexed`
-- autocmd fires when indexing ends.

M._status = {} -- client id -> { indexing = bool, message = string?, notes = number?, indexed = bool }
local progress_titles = {} -- token -> title

local function on_progress(err, result, ctx, config)
  local value = result and result.value
  if type(value) == 'table' and ctx and ctx.client_id then
    local st = M._status[ctx.client_id] or {}
    M._status[ctx.client_id] = st
    if value.kind == 'begin' then
      progress_titles[result.token] = value.title
      st.indexing = true
      st.message = value.title
    elseif value.kind == 'report' then
      st.message = value.message or st.message
    elseif value.kind == 'end' then
      st.indexing = false
      st.indexed = true
      st.message = value.message
      local n = value.message and value.message:match('(%d+)%s+notes?')
      if n then
        st.notes = tonumber(n)
      end
      progress_titles[result.token] = nil
      vim.schedule(function()
        local opts = { pattern = 'VaultLsIndexed' }
        if vim.fn.has('nvim-0.8') == 1 then
          opts.data = { client_id = ctx.client_id, notes = st.notes }
        end
        vim.api.nvim_exec_autocmds('User', opts)
      end)
    end
  end
  local default = vim.lsp.handlers['$/progress']
  if default then
    return default(err, result, ctx, config)
  end
end

local has_011 = vim.fn.has('nvim-0.11') == 1

--- Call a client method: `client:m(...)` on 0.11+, `client.m(...)` before (0.7 closures).
local function call(client, method, ...)
  if has_011 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function client_is_alive(id)
  local client = id and vim.lsp.get_client_by_id(id)
  return client ~= nil and not call(client, 'is_stopped')
end

local function buf_is_vault_markdown(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return false
  end
  return vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype)
end

-- In the order they are mapped; `capability` names what the server must offer.
local key_actions = {
  { name = 'definition', fn = 'definition', desc = 'vault-ls: go to the note, heading or block' },
  { name = 'hover', fn = 'hover', desc = "vault-ls: the note's metadata" },
  { name = 'references', fn = 'references', desc = 'vault-ls: notes linking here' },
  { name = 'rename', fn = 'rename', desc = 'vault-ls: rename', capability = 'renameProvider' },
  { name = 'code_action', fn = 'code_action', desc = 'vault-ls: code actions', capability = 'codeActionProvider' },
}

local function map_keys(client, bufnr)
  local keys = M.config.keymaps
  if type(keys) ~= 'table' then
    return
  end
  local caps = client.server_capabilities or {}
  for _, action in ipairs(key_actions) do
    local lhs = keys[action.name]
    if lhs and (action.capability == nil or caps[action.capability]) then
      -- nowait: Neovim 0.11's global `grr`, `grn`… must not delay a buffer-local `gr`.
      vim.keymap.set('n', lhs, vim.lsp.buf[action.fn], { buffer = bufnr, nowait = true, silent = true, desc = action.desc })
    end
  end
end

local function on_attach(client, bufnr)
  if M.config.omnifunc then
    vim.bo[bufnr].omnifunc = "v:lua.require'vault_ls'.omnifunc"
  end
  map_keys(client, bufnr)
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

--- Neovim's capabilities (or the user's), and the file operations :VaultMove and :VaultRename
--- perform: the server offers willRenameFiles only to a client that says it sends it.
local function client_capabilities()
  local caps = vim.deepcopy(M.config.capabilities or vim.lsp.protocol.make_client_capabilities())
  caps.workspace = caps.workspace or {}
  caps.workspace.fileOperations = vim.tbl_extend('force', caps.workspace.fileOperations or {}, {
    willRename = true,
    didRename = true,
  })
  return caps
end

--- Client configuration shared by both paths.
local function client_config(root)
  return {
    name = M.config.name,
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    init_options = as_object(M.config.settings),
    settings = settings_table(),
    handlers = { ['$/progress'] = on_progress },
    capabilities = client_capabilities(),
    on_attach = on_attach,
  }
end

--- Start (or reuse) the client for the buffer's vault and attach it (Neovim < 0.11 path; also
--- usable by hand on any version). Returns the client id.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not buf_is_vault_markdown(bufnr) then
    return nil
  end
  local root = M.find_root(bufnr)
  local id = M._clients[root]
  if not client_is_alive(id) then
    id = vim.lsp.start_client(client_config(root))
    if not id then
      vim.notify('vault-ls: could not start ' .. table.concat(M.config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    M._clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Clients of this plugin attached to a buffer (or all of them when bufnr is nil).
function M.clients(bufnr)
  local out = {}
  local all
  if vim.lsp.get_clients then
    all = vim.lsp.get_clients({ bufnr = bufnr })
  else
    all = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
  end
  for _, client in pairs(all) do
    if client.name == M.config.name then
      table.insert(out, client)
    end
  end
  return out
end

local function first_client(bufnr)
  return M.clients(bufnr)[1]
end

-- Omnifunc ------------------------------------------------------------------------------------
-- vim.lsp.omnifunc starts the completion at the keyword under the cursor and filters items by it,
-- which loses items whose textEdit replaces `[[Alp` with `[[Alpha]]`. This one honours the
-- textEdit ranges the server sends: the completion starts where the edits start.

local pending = nil

local function utf16_to_byte(line, col16)
  local ok, byte = pcall(vim.str_byteindex, line, col16, true)
  return ok and byte or math.min(col16, #line)
end

local function item_word(item)
  local edit = item.textEdit
  local text = (edit and edit.newText) or item.insertText or item.label
  if item.insertTextFormat == 2 then
    -- Snippet: drop placeholders and tab stops.
    text = text:gsub('%${%d+:([^}]*)}', '%1'):gsub('%$%d+', ''):gsub('%${%d+}', '')
  end
  return text
end

local function to_complete_items(items, line, base)
  local out = {}
  for _, item in ipairs(items) do
    local word = item_word(item)
    local filter = item.filterText or word
    if base == nil or base == '' or vim.startswith(filter:lower(), base:lower()) or vim.startswith(word:lower(), base:lower()) or filter:lower():find(base:lower(), 1, true) then
      local doc = item.documentation
      if type(doc) == 'table' then
        doc = doc.value
      end
      table.insert(out, {
        word = word,
        abbr = item.label,
        kind = vim.lsp.protocol.CompletionItemKind[item.kind] or '',
        menu = item.detail or '',
        info = doc or '',
        icase = 1,
        dup = 1,
        empty = 1,
        user_data = { nvim = { lsp = { completion_item = item } } },
      })
    end
  end
  table.sort(out, function(a, b)
    local ia = a.user_data.nvim.lsp.completion_item
    local ib = b.user_data.nvim.lsp.completion_item
    return (ia.sortText or ia.label) < (ib.sortText or ib.label)
  end)
  return out
end

--- Omnifunc (see :h vault_ls-completion).
function M.omnifunc(findstart, base)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = first_client(bufnr)
  if findstart == 1 then
    pending = nil
    if not client then
      return -3
    end
    local row, col = unpack(vim.api.nvim_win_get_cursor(0))
    local encoding = client.offset_encoding or 'utf-16'
    local line = vim.api.nvim_get_current_line()
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    local resp = call(client, 'request_sync', 'textDocument/completion', params, 2000, bufnr)
    local result = resp and resp.result
    if not result then
      return -3
    end
    local items = result.items or result
    -- Start at the leftmost textEdit start on this line; else at the keyword before the cursor.
    local start = nil
    for _, item in ipairs(items) do
      local range = item.textEdit and (item.textEdit.range or item.textEdit.replace)
      if range and range.start.line == row - 1 then
        local b = encoding == 'utf-8' and range.start.character or utf16_to_byte(line, range.start.character)
        if b <= col and (start == nil or b < start) then
          start = b
        end
      end
    end
    if start == nil then
      start = vim.fn.match(line:sub(1, col), '\\k*$')
    end
    pending = { items = items, line = line, start = start }
    return start
  end
  if not pending then
    return {}
  end
  local p = pending
  pending = nil
  return to_complete_items(p.items, p.line, base)
end

-- Moving the current note -----------------------------------------------------------------------
-- The server is asked first (workspace/willRenameFiles) for the edits that keep every link to the
-- note, and every relative link in it, where it was; they are applied and written, then the file
-- is moved, the buffer reopened at the new path and the server told (workspace/didRenameFiles).

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function edited_uris(edit)
  local uris = {}
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.textDocument then
      uris[change.textDocument.uri] = true
    end
  end
  for uri in pairs(edit.changes or {}) do
    uris[uri] = true
  end
  return uris
end

--- Write a buffer as it was read: its line endings, byte order mark and final newline kept.
local function write_buffer(buf)
  vim.bo[buf].fixeol = false
  vim.api.nvim_buf_call(buf, function()
    vim.cmd('silent keepalt write')
  end)
end

--- Apply the server's edit and write every file it changed that was not loaded before (loaded
--- ones stay modified, as after vim.lsp.buf.rename()). Returns the buffers it loaded.
local function apply_and_write(edit, client, current)
  local loaded_before = {}
  for uri in pairs(edited_uris(edit)) do
    local fname = vim.uri_to_fname(uri)
    loaded_before[fname] = vim.fn.bufloaded(fname) == 1
  end
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding or 'utf-16')
  local opened, written = {}, {}
  for fname, was_loaded in pairs(loaded_before) do
    local buf = vim.fn.bufnr(fname)
    if buf ~= -1 and buf ~= current and not was_loaded then
      write_buffer(buf)
      table.insert(opened, buf)
      table.insert(written, { uri = vim.uri_from_fname(fname), type = 2 })
    end
  end
  -- Neovim 0.10+ attaches no client to a buffer loaded by an edit: say which files changed
  if #written > 0 then
    call(client, 'notify', 'workspace/didChangeWatchedFiles', { changes = written })
  end
  return opened
end

--- The new path of the current note for `target`: an absolute path, or a path from the vault
--- root; a target ending in `/` (or an existing folder) keeps the note's file name.
local function target_path(root, file, target)
  if not vim.startswith(target, '/') then
    target = root .. '/' .. target
  end
  if vim.endswith(target, '/') or is_dir(target) then
    target = without_slash(target) .. '/' .. vim.fn.fnamemodify(file, ':t')
  elseif not target:lower():match('%.md$') then
    target = target .. '.md'
  end
  return vim.fn.simplify(target)
end

--- Move the current note to `new_file` (an absolute path), keeping every link. See :h :VaultMove.
function M.move_file(new_file, opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = first_client(bufnr)
  local old = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p')
  local function refuse(message)
    vim.notify('vault-ls: ' .. message, vim.log.levels.ERROR)
    return nil
  end
  if not client then
    return refuse('no server attached to this buffer')
  end
  if old == '' or not exists(old) then
    return refuse('this buffer is not a file on disk')
  end
  if new_file == old then
    return refuse('the note is there already')
  end
  if exists(new_file) then
    return refuse(new_file .. ' exists already: vault-ls never overwrites a file')
  end
  local files = { { oldUri = vim.uri_from_fname(old), newUri = vim.uri_from_fname(new_file) } }
  local caps = client.server_capabilities or {}
  local operations = caps.workspace and caps.workspace.fileOperations or {}
  local links = 0
  if operations.willRename then
    local resp, err = call(client, 'request_sync', 'workspace/willRenameFiles', { files = files }, opts.timeout or 10000, bufnr)
    if not resp or resp.err then
      local reason = resp and resp.err and resp.err.message or err or 'no answer'
      return refuse('the links were not updated, so nothing was moved: ' .. tostring(reason))
    end
    if resp.result then
      for _, buf in ipairs(apply_and_write(resp.result, client, bufnr)) do
        vim.api.nvim_buf_delete(buf, {})
      end
      for _, change in ipairs(resp.result.documentChanges or {}) do
        links = links + #(change.edits or {})
      end
    end
  end
  local view = vim.fn.winsaveview()
  write_buffer(bufnr)
  vim.fn.mkdir(vim.fn.fnamemodify(new_file, ':h'), 'p')
  local ok, err = uv.fs_rename(old, new_file)
  if not ok then
    return refuse('could not move ' .. old .. ': ' .. tostring(err))
  end
  call(client, 'notify', 'workspace/didRenameFiles', { files = files })
  vim.cmd('edit ' .. vim.fn.fnameescape(new_file))
  vim.fn.winrestview(view)
  vim.api.nvim_buf_delete(bufnr, { force = true })
  if not opts.silent then
    vim.notify(string.format('vault-ls: moved to %s (%d link edits)', vim.fn.fnamemodify(new_file, ':~:.'), links))
  end
  return new_file
end

--- :VaultMove {path}: the current note to `path`, from the vault root (or absolute).
function M.move(target, opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p')
  return M.move_file(target_path(M.find_root(bufnr), file, target), opts)
end

--- :VaultRename {name}: the current note renamed in its own folder.
function M.rename_file(name, opts)
  if name:find('/', 1, true) then
    vim.notify('vault-ls: a name holds no "/": use :VaultMove to move the note', vim.log.levels.ERROR)
    return nil
  end
  local file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':p')
  local new_file = vim.fn.fnamemodify(file, ':h') .. '/' .. name
  if not name:lower():match('%.md$') then
    new_file = new_file .. '.md'
  end
  return M.move_file(new_file, opts)
end

-- Commands ------------------------------------------------------------------------------------

--- Notes linking to the note under the cursor (or to the current note) into the quickfix list.
function M.backlinks(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = first_client(bufnr)
  if not client then
    vim.notify('vault-ls: no server attached to this buffer', vim.log.levels.WARN)
    return nil
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.context = { includeDeclaration = false }
  local resp = call(client, 'request_sync', 'textDocument/references', params, opts.timeout or 5000, bufnr)
  if not resp or resp.err then
    vim.notify('vault-ls: references failed: ' .. vim.inspect(resp and resp.err), vim.log.levels.ERROR)
    return nil
  end
  local locations = resp.result or {}
  local items = vim.lsp.util.locations_to_items(locations, client.offset_encoding or 'utf-16')
  vim.fn.setqflist({}, ' ', { title = 'Backlinks', items = items })
  if not opts.silent then
    if #items == 0 then
      vim.notify('vault-ls: no backlinks')
    else
      vim.cmd('copen')
    end
  end
  return items
end

function M.restart()
  for _, client in ipairs(M.clients()) do
    call(client, 'stop')
  end
  M._clients = {}
  vim.defer_fn(function()
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and buf_is_vault_markdown(buf) then
        if has_011 and M.config.native_config then
          vim.api.nvim_exec_autocmds('FileType', { buffer = buf })
        else
          M.attach(buf)
        end
      end
    end
  end, 500)
end

--- Indexing state of the buffer's (or the first) vault-ls client:
--- { indexing = bool, indexed = bool, message = string?, notes = number? }.
function M.status(bufnr)
  local client = M.clients(bufnr)[1]
  return client and M._status[client.id] or { indexing = false, indexed = false }
end

--- For 'statusline': "vault-ls: Indexing vault 120/800 notes" while indexing, "3 notes" after.
function M.statusline(bufnr)
  local client = M.clients(bufnr or vim.api.nvim_get_current_buf())[1]
  if not client then
    return ''
  end
  local st = M._status[client.id] or {}
  if st.indexing then
    return 'vault-ls: ' .. (st.message or 'indexing')
  end
  if st.notes then
    return string.format('%d %s', st.notes, st.notes == 1 and 'note' or 'notes')
  end
  return 'vault-ls'
end

function M.info()
  local lines = {}
  for _, client in ipairs(M.clients()) do
    local st = M._status[client.id] or {}
    table.insert(lines, string.format('vault-ls client %d: root %s, cmd %s, %s', client.id, client.config.root_dir, table.concat(client.config.cmd, ' '), st.message or 'not indexed yet'))
  end
  if #lines == 0 then
    lines = { 'vault-ls: no client running' }
  end
  vim.notify(table.concat(lines, '\n'))
end

local function create_commands()
  local cmd = vim.api.nvim_create_user_command
  cmd('VaultBacklinks', function()
    M.backlinks()
  end, { desc = 'vault-ls: notes linking here, into the quickfix list' })
  cmd('VaultRestart', M.restart, { desc = 'vault-ls: restart the server' })
  cmd('VaultLog', function()
    vim.cmd('tabnew ' .. vim.fn.fnameescape(vim.lsp.get_log_path()))
  end, { desc = 'vault-ls: open the LSP log' })
  cmd('VaultInfo', M.info, { desc = 'vault-ls: show running clients' })
  cmd('VaultRename', function(args)
    M.rename_file(args.args)
  end, { nargs = 1, desc = "vault-ls: rename the note's file, keeping every link" })
  cmd('VaultMove', function(args)
    M.move(args.args)
  end, { nargs = 1, complete = 'dir', desc = 'vault-ls: move the note, keeping every link' })
end

--- Configure and enable vault-ls. See :h vault_ls-setup.
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if type(M.config.cmd) == 'string' then
    M.config.cmd = { M.config.cmd }
  end
  if M.config.commands then
    create_commands()
  end

  if has_011 and M.config.native_config then
    local base = client_config(vim.fn.getcwd())
    base.root_dir = function(bufnr, on_dir)
      if buf_is_vault_markdown(bufnr) then
        on_dir(M.find_root(bufnr))
      end
    end
    base.workspace_folders = nil
    base.filetypes = M.config.filetypes
    vim.lsp.config(M.config.name, base)
    vim.lsp.enable(M.config.name)
    return
  end

  local group = vim.api.nvim_create_augroup('vault_ls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers already open when setup() runs.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and buf_is_vault_markdown(buf) then
      M.attach(buf)
    end
  end
end

return M
