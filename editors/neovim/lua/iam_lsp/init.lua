-- iam-lsp for Neovim: starts the `iam-lsp` language server for JSON and JSONC buffers (the server
-- decides which are IAM policies) and sends it the `iamLsp` settings.
--
--   require('iam_lsp').setup({
--     cmd = { '/path/to/iam-lsp' },              -- default: { 'iam-lsp' } from PATH
--     settings = {                                -- what the server reads; all optional
--       kinds = { ['**/trust/*.json'] = 'trust' },
--       rules = { disabled = { 'resource-star' }, severity = { ['legacy-action'] = 'hint' } },
--       inlayHints = { enabled = true, accessLevels = false },
--     },
--     diagnostic_defaults = true,                 -- the default (see below); false: Neovim's own
--   })
--
-- The "Simulate" code lens (`vim.lsp.codelens.run()`) and `:IamLspSimulate` (the statement under
-- the cursor) show the server's answer in a float: the decision, what blocks it, the deciding
-- statements.
--
-- Neovim 0.11+: `vim.lsp.config('iam_lsp', ...)` + `vim.lsp.enable('iam_lsp')`. Older: nvim-lspconfig
-- when it is installed, else a FileType autocommand with `vim.lsp.start` (Neovim 0.8+).
--
-- Neovim 0.11 shows diagnostics as signs only (`virtual_text` is off by default) and does not sort
-- them by severity (a line with an error can show an `I` sign). For iam-lsp's diagnostics only
-- (its namespaces, not other servers'), the plugin turns on `virtual_text` and `severity_sort` for
-- as long as your global `vim.diagnostic.config()` leaves them at Neovim's default; once you set
-- one yourself (in init.lua or later, e.g. a toggle), iam-lsp's diagnostics follow yours. Neovim
-- cannot tell an explicit `virtual_text = false` from its default: to keep Neovim's defaults, set
-- `vim.g.iam_lsp_diagnostic_defaults = false` or pass `diagnostic_defaults = false` to setup().
local M = {}

M.name = 'iam_lsp'
-- YAML for CloudFormation, SAM and Serverless templates (other YAML gets nothing)
-- and Terraform modules (`.tf` is filetype `terraform`; `.tf.json` is `json`)
M.filetypes = { 'json', 'jsonc', 'yaml', 'terraform' }
M.root_markers = { '.iam-lsp.toml', '.git' }

local function is_dict(value)
  return type(value) == 'table' and (next(value) == nil or not (vim.islist or vim.tbl_islist)(value))
end

-- Lua has one kind of table; JSON has two. Empty maps must go out as `{}`, not `[]`.
local function map(value)
  local out = vim.empty_dict()
  if is_dict(value) then
    for k, v in pairs(value) do
      if type(k) == 'string' and type(v) == 'string' then
        out[k] = v
      end
    end
  end
  return out
end

--- The `iamLsp` settings object the server reads, from the user's (partial) settings.
---@param user table|nil { kinds = {glob = kind}, rules = { disabled = {code...}, severity = {code = sev} }, inlayHints = { enabled = bool, accessLevels = bool } }
---@return table
function M.settings(user)
  user = user or {}
  local rules = user.rules or {}
  local disabled = {}
  for _, code in ipairs(rules.disabled or {}) do
    table.insert(disabled, code)
  end
  local hints = type(user.inlayHints) == 'table' and user.inlayHints or {}
  local function flag(value, default)
    if value == nil then
      return default
    end
    return value and true or false
  end
  return {
    kinds = map(user.kinds),
    rules = { disabled = disabled, severity = map(rules.severity) },
    inlayHints = { enabled = flag(hints.enabled, true), accessLevels = flag(hints.accessLevels, false) },
  }
end

-- The "Simulate" code lens runs the server's `iam-lsp.simulate` command; the server answers the
-- `workspace/executeCommand` request with the decision, which Neovim would drop. The client's
-- command handler (below) sends the request itself and shows the answer in a float.

--- The float's lines (markdown) for an `iam-lsp.simulate` answer: the decision, what blocked it,
--- and the server's text (the deciding statements and why the others did not apply).
---@param answer table { decision = string, blockedBy = string[], text = string, ... }
---@return string[]
function M.simulation_lines(answer)
  local lines = { ('**%s**'):format(answer.decision or '?') }
  local blocked = answer.blockedBy or {}
  if type(blocked) == 'table' and #blocked > 0 then
    table.insert(lines, 'blocked by: ' .. table.concat(blocked, ', '))
  end
  table.insert(lines, '```text')
  vim.list_extend(lines, vim.split(vim.trim(answer.text or ''), '\n', { plain = true }))
  table.insert(lines, '```')
  return lines
end

--- Shows an `iam-lsp.simulate` answer in a floating window; returns its buffer and window.
function M.show_simulation(answer)
  return vim.lsp.util.open_floating_preview(M.simulation_lines(answer), 'markdown', {
    border = 'rounded',
    focus_id = 'iam_lsp_simulate',
    max_width = math.max(40, math.floor(vim.o.columns * 0.8)),
  })
end

-- A request from a client: `client:request` on 0.11, `client.request` before.
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- The client-side handler of `iam-lsp.simulate` (a lens's command, as `vim.lsp.codelens.run()`
--- runs it): asks the server and shows the answer.
---@param command table lsp.Command
---@param ctx table { client_id = integer, bufnr = integer }
function M.simulate(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  local params = { command = command.command, arguments = command.arguments }
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify('iam-lsp: ' .. (err.message or tostring(err)), vim.log.levels.ERROR)
    elseif result then
      M.show_simulation(result)
    end
  end, ctx.bufnr)
end

--- The lens of the statement under the cursor: of the lenses whose statement's range (the
--- server's `data.statement`) holds the cursor's line, the innermost; else the last one before it.
---@param lenses table[] lsp.CodeLens[]
---@param line integer 0-based
function M.lens_at(lenses, line)
  local inside, before
  for _, lens in ipairs(lenses or {}) do
    local start = lens.range.start.line
    local statement = type(lens.data) == 'table' and lens.data.statement or nil
    local stop = statement and statement['end'] and statement['end'].line or start
    if start <= line then
      if line <= stop and (not inside or start >= inside.range.start.line) then
        inside = lens
      end
      if not before or start >= before.range.start.line then
        before = lens
      end
    end
  end
  return inside or before
end

--- `:IamLspSimulate`: the "Simulate" lens of the statement under the cursor, resolved and run.
function M.simulate_at_cursor()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1]
  if not client then
    vim.notify('iam-lsp: no iam_lsp client in this buffer', vim.log.levels.WARN)
    return
  end
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
  request(client, 'textDocument/codeLens', params, function(err, lenses)
    local lens = not err and M.lens_at(lenses, line) or nil
    if not lens then
      vim.notify('iam-lsp: no policy statement under the cursor', vim.log.levels.WARN)
      return
    end
    request(client, 'codeLens/resolve', lens, function(resolve_err, resolved)
      if resolve_err or not (resolved and resolved.command) then
        vim.notify('iam-lsp: ' .. (resolve_err and resolve_err.message or 'the lens has no command'), vim.log.levels.ERROR)
        return
      end
      M.simulate(resolved.command, { client_id = client.id, bufnr = bufnr })
    end, bufnr)
  end, bufnr)
end

--- Creates `:IamLspSimulate` (once).
function M.create_user_commands()
  vim.api.nvim_create_user_command('IamLspSimulate', M.simulate_at_cursor, {
    desc = 'iam-lsp: simulate the request of the policy statement under the cursor',
    force = true,
  })
end

--- The client configuration: what `vim.lsp.config('iam_lsp', ...)` gets.
---@param opts table|nil { cmd = {...}, settings = {...}, and any other vim.lsp.Config field }
---@return table
function M.config(opts)
  opts = vim.deepcopy(opts or {})
  local settings = { iamLsp = M.settings(opts.settings) }
  opts.settings = nil
  opts.diagnostic_defaults = nil -- the plugin's, not the client's
  return vim.tbl_extend('force', {
    cmd = { 'iam-lsp' },
    filetypes = M.filetypes,
    root_markers = M.root_markers,
    -- Sent as `initializationOptions`, and again as `workspace/didChangeConfiguration`.
    init_options = settings,
    settings = settings,
    commands = { ['iam-lsp.simulate'] = M.simulate },
  }, opts)
end

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= '' and vim.fs.dirname(name) or vim.fn.getcwd()
  local found = vim.fs.find(M.root_markers, { path = start, upward = true })[1]
  return found and vim.fs.dirname(found) or start
end

-- What the plugin sets for iam-lsp's diagnostics, and Neovim's own default for each (0.11's;
-- older Neovim had `virtual_text = true`, which counts as set and is followed).
M.diagnostic_defaults = { virtual_text = true, severity_sort = true }
local NEOVIM_DEFAULTS = { virtual_text = false, severity_sort = false }
local followed = {} -- options the user has been seen to set globally: followed from then on

-- A namespace option that is the plugin's default while the global option is Neovim's, else the
-- global one (Neovim evaluates option functions each time it shows diagnostics).
local function option(name)
  return function(namespace, bufnr)
    local global = vim.diagnostic.config()[name]
    if type(global) == 'function' then
      global = global(namespace, bufnr)
    end
    if followed[name] or (global ~= nil and global ~= NEOVIM_DEFAULTS[name]) then
      followed[name] = true
      return global
    end
    return M.diagnostic_defaults[name]
  end
end

--- Sets `virtual_text` and `severity_sort` (as above) on the diagnostic namespaces of an iam-lsp
--- client, the pushed and the pulled ones, unless `vim.g.iam_lsp_diagnostic_defaults` is false
--- or the namespace already has them.
function M.apply_diagnostic_defaults(client)
  if vim.g.iam_lsp_diagnostic_defaults == false then
    return
  end
  -- The pull namespace is named by the server's diagnosticProvider: known once it is initialized.
  local namespaces = { vim.lsp.diagnostic.get_namespace(client.id, false), vim.lsp.diagnostic.get_namespace(client.id, true) }
  for _, namespace in ipairs(namespaces) do
    local current = vim.diagnostic.config(nil, namespace) or {}
    local opts = {}
    for name in pairs(M.diagnostic_defaults) do
      if current[name] == nil then
        opts[name] = option(name)
      end
    end
    if next(opts) ~= nil then
      vim.diagnostic.config(opts, namespace)
    end
  end
end

--- Applies them whenever an iam-lsp client attaches to a buffer (whoever started it), unless
--- `opts.diagnostic_defaults` is false.
function M.enable_diagnostic_defaults(opts)
  if opts and opts.diagnostic_defaults == false then
    vim.g.iam_lsp_diagnostic_defaults = false
  end
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('iam_lsp_diagnostics', { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == M.name then
        M.apply_diagnostic_defaults(client)
      end
    end,
  })
end

--- Older Neovim without nvim-lspconfig: start the client from a FileType autocommand.
function M.setup_autocmd(opts)
  M.enable_diagnostic_defaults(opts)
  M.create_user_commands()
  local config = M.config(opts)
  config.root_markers = nil
  local group = vim.api.nvim_create_augroup('iam_lsp', { clear = true })
  local function start(bufnr)
    vim.lsp.start(vim.tbl_extend('force', config, { name = M.name, root_dir = root_dir(bufnr) }), { bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

--- Older Neovim with nvim-lspconfig.
function M.setup_lspconfig(opts)
  M.enable_diagnostic_defaults(opts)
  M.create_user_commands()
  local configs = require('lspconfig.configs')
  local config = M.config(opts)
  config.root_markers = nil
  if not configs[M.name] then
    configs[M.name] = {
      default_config = vim.tbl_extend('force', config, {
        root_dir = require('lspconfig.util').root_pattern(unpack(M.root_markers)),
      }),
      docs = { description = 'iam-lsp: AWS IAM policy language server' },
    }
  end
  require('lspconfig')[M.name].setup({})
end

function M.setup(opts)
  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    M.enable_diagnostic_defaults(opts)
    M.create_user_commands()
    vim.lsp.config(M.name, M.config(opts))
    vim.lsp.enable(M.name)
  elseif pcall(require, 'lspconfig.configs') then
    M.setup_lspconfig(opts)
  else
    M.setup_autocmd(opts)
  end
end

return M
