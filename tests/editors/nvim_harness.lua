-- What every Neovim test script starts with: its parameters from $VAULT_LS_NVIM_TEST (JSON),
-- what it saw (``out``, saved to the file named there after every step), and ``step``, which
-- runs one step in pcall: an error must not leave nvim running.
local M = {}

function M.start(seen)
  local cfg = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('VAULT_LS_NVIM_TEST')), '\n'))
  local out = vim.tbl_extend('keep', seen or {}, { steps = {}, errors = {} })

  local function save()
    vim.fn.writefile({ vim.fn.json_encode(out) }, cfg.out)
  end

  local function step(name, fn)
    local ok, err = pcall(fn)
    out.steps[name] = { ok = ok }
    if not ok then
      table.insert(out.errors, name .. ': ' .. tostring(err))
    end
    save()
    return ok
  end

  return cfg, out, save, step
end

return M
