-- The "Simulate" code lens in the Neovim end-to-end test (run from e2e.lua after the embedded
-- checks, in the same editor and client). On copies of the CloudFormation template and the
-- Terraform module of tests/fixtures: the lens of a statement run as a user runs it
-- (`vim.lsp.codelens.run()` on its line), and `:IamLspSimulate` with the cursor inside a
-- statement, each open a float (markdown) that shows the decision, what blocks it and the
-- deciding statements as `iam-lsp simulate` gives them for the lens's scenario.
-- The lenses are kept up to date and the command is bound by the README's own Lua snippet (the
-- block that starts `-- show the lenses, kept up to date`), run here as a user pastes it: the
-- lens case waits for the lenses its autocommand fetches, the command case presses its key.
-- The README's minimal setup loads no plugin, so no float: skipped there.
local M = {}

-- `token`: text on a line of the statement to simulate; `how`: the lens on the statement's first
-- line, or the command with the cursor on the token's line.
local CASES = {
  {
    fixture = 'tests/fixtures/cloudformation/bedrock-agent-stack.yaml',
    copy = 'simulate/bedrock-agent-stack.yaml',
    token = 'Sid: InvokeTheModel',
    how = 'lens',
  },
  {
    fixture = 'tests/fixtures/terraform/bedrock-agent-broken.tf',
    copy = 'simulate/bedrock-agent-broken.tf',
    token = 'identifiers = ["bedrock.amazon.com"]',
    start = 'statement {', -- the statement's first line: the nearest above the token
    how = 'command',
  },
}

local function floats()
  local list = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      table.insert(list, win)
    end
  end
  return list
end

local function close_floats()
  for _, win in ipairs(floats()) do
    pcall(vim.api.nvim_win_close, win, true)
  end
end

local function line_of(lines, token, from, step)
  local i = from
  while i >= 1 and i <= #lines do
    if lines[i]:find(token, 1, true) then
      return i
    end
    i = i + step
  end
end

-- What `iam-lsp simulate` prints for a scenario, as JSON and as text.
local function cli(dir, scenario)
  local file = dir .. '/.e2e-scenario.json'
  vim.fn.writefile({ vim.json.encode(scenario) }, file)
  local json = vim.system({ 'iam-lsp', 'simulate', file, '--format', 'json' }, { text = true }):wait(10000).stdout
  local text = vim.system({ 'iam-lsp', 'simulate', file }, { text = true }):wait(10000).stdout
  os.remove(file)
  return vim.json.decode(json or 'null'), text or ''
end

-- The lens on 0-based line `line`, resolved by the server (the lens as the client has it is
-- only used when resolved already).
local function resolved_lens(client, buf, line)
  local params = { textDocument = vim.lsp.util.make_text_document_params(buf) }
  local lenses = client:request_sync('textDocument/codeLens', params, 5000, buf)
  for _, lens in ipairs(lenses and lenses.result or {}) do
    if lens.range.start.line == line then
      local resolved = client:request_sync('codeLens/resolve', lens, 5000, buf)
      return resolved and resolved.result
    end
  end
end

local function check_case(check, say, repo, root, case)
  local path = root .. '/' .. case.copy
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  vim.fn.writefile(vim.fn.readfile(repo .. '/' .. case.fixture, 'b'), path, 'b')
  vim.cmd.edit(vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  say('-- ' .. case.copy .. ' (' .. (case.how == 'lens' and 'vim.lsp.codelens.run()' or ':IamLspSimulate') .. ')')
  local client
  vim.wait(10000, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'iam_lsp' })[1]
    return client ~= nil and client.initialized == true
  end, 20)
  if not check(client ~= nil, 'the iam_lsp client is attached to it') then
    return
  end
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local token_line = line_of(lines, case.token, 1, 1)
  if not check(token_line ~= nil, 'the fixture has ' .. case.token) then
    return
  end
  local first = case.start and line_of(lines, case.start, token_line, -1) or token_line

  -- The expectation: what the CLI says for the scenario of the statement's lens.
  local lens = resolved_lens(client, buf, first - 1)
  if not check(lens and lens.command and lens.command.command == 'iam-lsp.simulate', ('a Simulate lens on line %d'):format(first), vim.inspect(lens)) then
    return
  end
  local expected, expected_text = cli(vim.fs.dirname(path), lens.command.arguments[1])
  if not check(expected and expected.decision, 'iam-lsp simulate answers the lens\'s scenario', expected_text) then
    return
  end
  say('  | ' .. lens.command.title .. ': ' .. expected.decision)

  close_floats()
  if case.how == 'lens' then
    -- The snippet's autocommand, as leaving insert mode fires it.
    vim.api.nvim_exec_autocmds('InsertLeave', { buffer = buf })
    local shown = vim.wait(10000, function()
      for _, l in ipairs(vim.lsp.codelens.get(buf)) do
        if l.range.start.line == first - 1 and l.command then
          return true
        end
      end
      return false
    end, 20)
    if not check(shown, "the README snippet's autocommand fetched the lens") then
      return
    end
    vim.api.nvim_win_set_cursor(0, { first, 0 })
    vim.lsp.codelens.run()
  else
    vim.api.nvim_win_set_cursor(0, { token_line, 0 })
    vim.api.nvim_feedkeys(vim.keycode('<leader>is'), 'x', false) -- the snippet's mapping
  end
  vim.wait(10000, function()
    return #floats() > 0
  end, 20)
  local win = floats()[1]
  if not check(win ~= nil, 'a floating window shows the answer') then
    return
  end
  local shown = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), '\n')
  check(vim.bo[vim.api.nvim_win_get_buf(win)].filetype == 'markdown', 'the float is markdown', vim.bo[vim.api.nvim_win_get_buf(win)].filetype)
  check(shown:find('**' .. expected.decision .. '**', 1, true) ~= nil, 'the float says ' .. expected.decision, shown)
  if #expected.blockedBy > 0 then
    local blocked = 'blocked by: ' .. table.concat(expected.blockedBy, ', ')
    check(shown:find(blocked, 1, true) ~= nil, 'the float says ' .. blocked, shown)
  end
  -- Every line `iam-lsp simulate` prints: the request, the decision, the deciding statements and
  -- why the closest others did not apply.
  local missing = {}
  for _, l in ipairs(vim.split(vim.trim(expected_text), '\n', { plain = true })) do
    if not shown:find(l, 1, true) then
      table.insert(missing, l)
    end
  end
  check(#missing == 0, 'the float has what iam-lsp simulate prints', 'missing:\n' .. table.concat(missing, '\n') .. '\nshown:\n' .. shown)
  close_floats()
end

-- The README's Lua block that keeps the lenses up to date and binds `:IamLspSimulate`.
local function readme_snippet(repo)
  local readme = table.concat(vim.fn.readfile(repo .. '/README.md'), '\n')
  for block in readme:gmatch('```lua\n(.-)```') do
    if block:find('-- show the lenses, kept up to date', 1, true) then
      return block
    end
  end
end

function M.run(check, say, setup)
  if setup == 'readme' then
    say('-- simulate float: skipped (the README snippet loads no plugin)')
    return
  end
  local repo = assert(os.getenv('IAM_LSP_E2E_REPO'), 'IAM_LSP_E2E_REPO is not set')
  local root = assert(os.getenv('IAM_LSP_E2E_ROOT'), 'IAM_LSP_E2E_ROOT is not set')
  local snippet = readme_snippet(repo)
  if not check(snippet ~= nil, "README.md has the Lua snippet that keeps the lenses up to date") then
    return
  end
  local ran, err = pcall(assert(load(snippet, 'README.md lens snippet')))
  if not check(ran, "the README's lens snippet runs", err) then
    return
  end
  for _, case in ipairs(CASES) do
    check_case(check, say, repo, root, case)
  end
end

return M
