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
  -- Create :VaultBacklinks, :VaultUnlinked, :VaultOutgoing, :VaultTags, :VaultSearch,
  -- :VaultToday, :VaultNew, :VaultGraph, :VaultRestart, :VaultLog, :VaultInfo, :VaultRename,
  -- :VaultMove.
  commands = true,
  -- What opens the page :VaultGraph writes: a command list (the file is added last) or a
  -- function(path); nil uses vim.ui.open (0.10+), else `open` on macOS, else `xdg-open`.
  graph_opener = nil,
  -- Show the server's "N backlinks" code lenses (refreshed on BufEnter, InsertLeave, save).
  codelens = true,
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

-- A new note arrives as a CreateFile: Neovim 0.7 truncates a file that exists (it ignores
-- overwrite = false) and creates no folders. Refuse the edit over an existing file, make the
-- folders, then let Neovim apply it.
local function on_apply_edit(err, result, ctx, config)
  for _, change in ipairs((result and result.edit and result.edit.documentChanges) or {}) do
    if change.kind == 'create' then
      local fname = vim.uri_to_fname(change.uri)
      local options = change.options or {}
      if uv.fs_stat(fname) and not options.overwrite and not options.ignoreIfExists then
        return { applied = false, failureReason = fname .. ' already exists' }
      end
      vim.fn.mkdir(vim.fn.fnamemodify(fname, ':h'), 'p')
    end
  end
  return vim.lsp.handlers['workspace/applyEdit'](err, result, ctx, config)
end

local function refresh_lenses(bufnr)
  if M.config.codelens then
    pcall(vim.lsp.codelens.refresh, has_011 and { bufnr = bufnr } or nil)
  end
end

local function on_attach(client, bufnr)
  if M.config.omnifunc then
    vim.bo[bufnr].omnifunc = "v:lua.require'vault_ls'.omnifunc"
  end
  map_keys(client, bufnr)
  if M.config.codelens then
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
      group = vim.api.nvim_create_augroup('vault_ls_lenses_' .. bufnr, { clear = true }),
      buffer = bufnr,
      callback = function()
        refresh_lenses(bufnr)
      end,
    })
    refresh_lenses(bufnr)
  end
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
    handlers = { ['$/progress'] = on_progress, ['workspace/applyEdit'] = on_apply_edit },
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
-- vim.lsp.buf.code_action() applies an action's edit itself, past the workspace/applyEdit handler:
-- a note that "Create note" makes would stay an unsaved buffer (and Neovim 0.7 makes no folders).
-- Around Neovim's applier, for an edit creating files that did not exist inside a vault-ls root:
-- make their folders first, then write them and tell the server they came.
local function wrap_edit_applier()
  local util = vim.lsp.util
  if util.vault_ls_wrapped then
    return
  end
  local apply = util.apply_workspace_edit
  util.apply_workspace_edit = function(edit, ...)
    local created = {}
    for _, change in ipairs((edit and edit.documentChanges) or {}) do
      if change.kind == 'create' then
        local fname = vim.uri_to_fname(change.uri)
        for _, client in ipairs(M.clients()) do
          if not exists(fname) and contains(client.config.root_dir or '', fname) then
            vim.fn.mkdir(vim.fn.fnamemodify(fname, ':h'), 'p')
            table.insert(created, { fname = fname, client = client })
            break
          end
        end
      end
    end
    local results = { apply(edit, ...) }
    for _, new in ipairs(created) do
      local buf = vim.fn.bufnr(new.fname)
      if buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].modified then
        -- the text went into the empty line of an empty buffer: its lines joined are the file
        vim.bo[buf].eol = false
        write_buffer(buf)
      end
      local change = { uri = vim.uri_from_fname(new.fname), type = 1 }
      call(new.client, 'notify', 'workspace/didChangeWatchedFiles', { changes = { change } })
    end
    return unpack(results)
  end
  util.vault_ls_wrapped = true
end

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

-- The vault panes (docs/protocol.md) ------------------------------------------------------------

local function request(method, params, opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = first_client(bufnr)
  if not client then
    vim.notify('vault-ls: no server attached to this buffer', vim.log.levels.WARN)
    return nil
  end
  local resp = call(client, 'request_sync', method, params, opts.timeout or 5000, bufnr)
  if not resp or resp.err then
    local message = resp and resp.err and resp.err.message or 'no answer'
    vim.notify('vault-ls: ' .. method .. ': ' .. message, vim.log.levels.ERROR)
    return nil
  end
  return resp.result, client
end

local function current_uri()
  return vim.uri_from_bufnr(vim.api.nvim_get_current_buf())
end

local file_lines = {}

local function line_of(fname, lnum)
  local bufnr = vim.fn.bufnr(fname)
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
    return vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ''
  end
  if not file_lines[fname] then
    file_lines[fname] = vim.fn.filereadable(fname) == 1 and vim.fn.readfile(fname) or {}
  end
  return file_lines[fname][lnum + 1] or ''
end

--- Quickfix items, in the server's order, from { uri, range, text } entries.
local function to_items(entries, encoding)
  file_lines = {}
  local items = {}
  for _, entry in ipairs(entries) do
    local fname = vim.uri_to_fname(entry.uri)
    local start = entry.range.start
    local col = start.character
    if encoding ~= 'utf-8' then
      col = utf16_to_byte(line_of(fname, start.line), col)
    end
    table.insert(items, { filename = fname, lnum = start.line + 1, col = col + 1, text = entry.text })
  end
  return items
end

local function show_list(title, items, opts)
  vim.fn.setqflist({}, ' ', { title = title, items = items })
  if not (opts and opts.silent) then
    if #items == 0 then
      vim.notify('vault-ls: ' .. title .. ': none')
    else
      vim.cmd('copen')
    end
  end
  return items
end

--- Unlinked mentions of the current note into the quickfix list (each with its line).
function M.unlinked(opts)
  local result, client = request('vault/unlinkedMentions', { uri = current_uri() }, opts)
  if not result then
    return nil
  end
  local entries = {}
  for _, group in ipairs(result) do
    for _, mention in ipairs(group.mentions) do
      table.insert(entries, { uri = group.uri, range = mention.range, text = mention.context.text })
    end
  end
  return show_list('Unlinked mentions', to_items(entries, client.offset_encoding), opts)
end

--- The current note's links into the quickfix list: the link, where it leads, its problem.
function M.outgoing(opts)
  local uri = current_uri()
  local result, client = request('vault/outgoing', { uri = uri }, opts)
  if not result then
    return nil
  end
  local root = client.config.root_dir or ''
  local entries = {}
  for _, link in ipairs(result) do
    local text = link.text
    if link.target ~= nil and link.target ~= vim.NIL then
      local target = vim.uri_to_fname(link.target)
      if vim.startswith(target, root .. '/') then
        target = target:sub(#root + 2)
      end
      text = text .. ' -> ' .. target
    end
    if link.problem ~= nil and link.problem ~= vim.NIL then
      text = text .. ' [' .. link.problem .. ']'
    end
    table.insert(entries, { uri = uri, range = link.range, text = text })
  end
  return show_list('Outgoing links', to_items(entries, client.offset_encoding), opts)
end

--- Every tag as { tag, count, notes } (nested tags after their parent), notes = every note
--- carrying the tag or one below it.
function M.tag_list(opts)
  local result = request('vault/tags', vim.empty_dict(), opts)
  if not result then
    return nil
  end
  local flat = {}
  local function walk(node)
    local entry = { tag = node.tag, count = node.count, notes = {} }
    table.insert(flat, entry)
    vim.list_extend(entry.notes, node.notes)
    for _, child in ipairs(node.children) do
      for _, note in ipairs(walk(child).notes) do
        if not vim.tbl_contains(entry.notes, note) then
          table.insert(entry.notes, note)
        end
      end
    end
    return entry
  end
  for _, node in ipairs(result) do
    walk(node)
  end
  return flat
end

--- Pick a tag (vim.ui.select); its notes go into the quickfix list.
function M.tags(opts)
  local flat = M.tag_list(opts)
  if not flat then
    return nil
  end
  vim.ui.select(flat, {
    prompt = 'Tag',
    format_item = function(entry)
      return string.format('#%s (%d)', entry.tag, entry.count)
    end,
  }, function(entry)
    if not entry then
      return
    end
    local items = {}
    for _, uri in ipairs(entry.notes) do
      table.insert(items, { filename = vim.uri_to_fname(uri), lnum = 1, col = 1, text = '#' .. entry.tag })
    end
    show_list('#' .. entry.tag, items, opts)
  end)
end

local function open_uri(uri)
  local fname = vim.uri_to_fname(uri)
  if vim.fn.bufnr(fname) ~= vim.api.nvim_get_current_buf() then -- :edit would reload it
    vim.cmd('edit ' .. vim.fn.fnameescape(fname))
  end
end

--- Notes matching query as the quick switcher ranks them: [{ uri, name, title, path, matched }].
function M.search_notes(query, opts)
  return request('vault/search', { query = query, limit = (opts and opts.limit) or 50 }, opts) or {}
end

local function search_with_telescope(query)
  local ok, pickers = pcall(require, 'telescope.pickers')
  if not ok then
    return false
  end
  local finders = require('telescope.finders')
  local actions = require('telescope.actions')
  local state = require('telescope.actions.state')
  local conf = require('telescope.config').values
  pickers
    .new({}, {
      prompt_title = 'Vault notes',
      default_text = query,
      finder = finders.new_dynamic({
        fn = function(prompt)
          return M.search_notes(prompt or '')
        end,
        entry_maker = function(item)
          return { value = item, display = item.path, ordinal = item.path, filename = vim.uri_to_fname(item.uri) }
        end,
      }),
      sorter = conf.generic_sorter({}),
      attach_mappings = function(bufnr)
        actions.select_default:replace(function()
          actions.close(bufnr)
          local entry = state.get_selected_entry()
          if entry then
            open_uri(entry.value.uri)
          end
        end)
        return true
      end,
    })
    :find()
  return true
end

--- The quick switcher: Telescope when installed, else a query and vim.ui.select.
function M.search(query, opts)
  opts = opts or {}
  if not opts.no_telescope and search_with_telescope(query or '') then
    return
  end
  if query == nil or query == '' then
    query = vim.fn.input('Note: ')
  end
  local found = M.search_notes(query, opts)
  vim.ui.select(found, {
    prompt = 'Open note',
    format_item = function(item)
      return item.path
    end,
  }, function(item)
    if item then
      open_uri(item.uri)
    end
  end)
end

--- Run a server command on the current buffer's client; open the note it names, saving it
--- when the command just created it (its content arrives as an unsaved edit).
local function note_command(command, arguments, opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = first_client(bufnr)
  if not client then
    vim.notify('vault-ls: no server attached to this buffer', vim.log.levels.WARN)
    return
  end
  if vim.api.nvim_buf_get_name(bufnr) ~= '' then
    arguments.uri = current_uri()
  end
  call(client, 'request', 'workspace/executeCommand', { command = command, arguments = { arguments } }, function(err, result)
    if err then
      vim.notify('vault-ls: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif result then
      open_uri(result.uri)
      if result.created ~= false and vim.bo.modified then
        vim.cmd('silent write')
      end
    end
    if opts.on_done then
      opts.on_done(err, result)
    end
  end, bufnr)
end

--- Open (creating it when missing) the daily note of date (YYYY-MM-DD), today by default.
function M.today(date, opts)
  note_command('vault-ls.openDailyNote', { date = (date ~= '' and date) or nil }, opts)
end

--- Create the note `name` (may hold folders) where new notes go, and open it.
function M.new_note(name, opts)
  note_command('vault-ls.createNote', { name = name }, opts)
end

-- The server's code lenses run this client-side command: [uri, position, locations].
vim.lsp.commands['vault-ls.showReferences'] = function(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local locations = (command.arguments or {})[3] or {}
  local items = vim.lsp.util.locations_to_items(locations, (client and client.offset_encoding) or 'utf-16')
  show_list('Backlinks', items)
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

-- The graph page ------------------------------------------------------------------------------
-- `vault-ls graph ROOT -o FILE` writes it (one HTML file that needs no network): the plugin runs
-- the server's own command with those arguments, in the background, and opens the file.

--- Where the graph page of the vault `root` goes: Neovim's cache folder, never the vault.
function M.graph_file(root)
  local name = vim.fn.fnamemodify(root, ':t')
  return string.format('%s/vault-ls/graph/%s-%s.html', vim.fn.stdpath('cache'), name ~= '' and name or 'root', vim.fn.sha256(root):sub(1, 12))
end

local function default_opener()
  if vim.ui.open then
    return vim.ui.open
  end
  if vim.fn.has('mac') == 1 then
    return { 'open' }
  end
  if vim.fn.has('win32') == 1 then
    return { 'explorer' }
  end
  return { 'xdg-open' }
end

local function graph_error(message)
  vim.notify('vault-ls: ' .. message, vim.log.levels.ERROR)
  return message
end

--- Open `path` with the graph_opener. Returns the problem (a message), or nil.
local function open_page(path)
  local opener = M.config.graph_opener or default_opener()
  local function failed(problem)
    return graph_error('the graph is in ' .. path .. ' but could not be opened: ' .. problem)
  end
  if type(opener) == 'function' then
    local ok, result, err = pcall(opener, path)
    if not ok then
      return failed(tostring(result))
    elseif result == nil and err ~= nil then -- vim.ui.open's (nil, message)
      return failed(tostring(err))
    end
    return nil
  end
  opener = type(opener) == 'string' and { opener } or opener
  if vim.fn.executable(opener[1]) ~= 1 then
    return failed(opener[1] .. ' is not executable')
  end
  local argv = vim.list_extend(vim.deepcopy(opener), { path })
  vim.fn.jobstart(argv, {
    detach = true,
    on_exit = function(_, code)
      if code ~= 0 then
        failed(opener[1] .. ' exited with ' .. code)
      end
    end,
  })
  return nil
end

--- Write the graph page of the current buffer's vault (the whole vault; unsaved changes are not
--- in it) and open it. `opts.on_done(path or nil, problem or nil)` is called when done.
function M.graph(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = first_client(bufnr)
  local root = (client and client.config.root_dir) or M.find_root(bufnr)
  local path = M.graph_file(root)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  local argv = vim.list_extend(vim.deepcopy(M.config.cmd), { 'graph', root, '-o', path })
  local function done(written, problem)
    if opts.on_done then
      opts.on_done(written, problem)
    end
  end
  local stderr = {}
  local ok, job = pcall(vim.fn.jobstart, argv, {
    stderr_buffered = true,
    on_stderr = function(_, data)
      stderr = data or {}
    end,
    on_exit = function(_, code)
      local said = vim.trim(table.concat(stderr, '\n'))
      if code ~= 0 then
        local problem = string.format("could not write the graph of %s: '%s' exited with %d", root, table.concat(argv, ' '), code)
        return done(nil, graph_error(said ~= '' and problem .. ': ' .. said or problem))
      end
      if said ~= '' then
        vim.notify('vault-ls: ' .. said)
      end
      done(path, open_page(path))
    end,
  })
  if not ok or job <= 0 then
    done(nil, graph_error('could not run ' .. M.config.cmd[1] .. ' (the server command): ' .. (ok and 'not executable' or tostring(job))))
  end
end

local function create_commands()
  local cmd = vim.api.nvim_create_user_command
  cmd('VaultBacklinks', function()
    M.backlinks()
  end, { desc = 'vault-ls: notes linking here, into the quickfix list' })
  cmd('VaultUnlinked', function()
    M.unlinked()
  end, { desc = 'vault-ls: unlinked mentions of this note, into the quickfix list' })
  cmd('VaultOutgoing', function()
    M.outgoing()
  end, { desc = "vault-ls: this note's links, into the quickfix list" })
  cmd('VaultTags', function()
    M.tags()
  end, { desc = 'vault-ls: pick a tag; its notes into the quickfix list' })
  cmd('VaultSearch', function(args)
    M.search(args.args)
  end, { nargs = '?', desc = 'vault-ls: open a note (quick switcher)' })
  cmd('VaultToday', function(args)
    M.today(args.args)
  end, { nargs = '?', desc = "vault-ls: open today's daily note (or of YYYY-MM-DD)" })
  cmd('VaultNew', function(args)
    M.new_note(args.args)
  end, { nargs = 1, desc = 'vault-ls: create a note and open it' })
  cmd('VaultGraph', function()
    M.graph()
  end, { desc = "vault-ls: write the vault's graph as an HTML page and open it" })
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
  wrap_edit_applier()

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
