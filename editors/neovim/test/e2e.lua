-- The checks of the Neovim end-to-end test, on the buffer of a copy of
-- tests/fixtures/bedrock/chatbot-agent-policy.json. Prints each check; exits non-zero on failure.
local M = {}

local checks, failures = 0, 0
local function say(line)
  io.stdout:write(line .. '\n')
end
local function check(ok, what, detail)
  checks = checks + 1
  if ok then
    say('  ok   ' .. what)
  else
    failures = failures + 1
    say('  FAIL ' .. what .. (detail and ('\n       ' .. tostring(detail):gsub('\n', '\n       ')) or ''))
  end
  return ok
end

-- `bedrock:Converse` is authorised by `bedrock:InvokeModel`, which the list already has: the fix
-- removes it rather than renaming it to a duplicate.
local CONVERSE_FIX = 'Remove `bedrock:Converse`'
local CONVERSE_FIXED = '      "Action": ["bedrock:InvokeModel"],'
local PREFIX_FIX = 'Change the prefix to `bedrock`'
local PREFIX_FIXED = '      "Action": ["bedrock:InvokeAgent"],'

-- Findings as { line, code, ... }, in order of line, then code.
local function by_line_then_code(a, b)
  if a[1] ~= b[1] then
    return a[1] < b[1]
  end
  return a[2] < b[2]
end

-- What `iam-lsp check` finds in these lines (written next to the buffer's file, so that the same
-- .iam-lsp.toml applies): { line, code } pairs, the diagnostics to expect in the editor.

local function cli_findings(lines)
  local file = vim.fs.dirname(vim.api.nvim_buf_get_name(0)) .. '/.e2e-check.json'
  vim.fn.writefile(lines, file)
  local out = vim.system({ 'iam-lsp', 'check', '--format', 'json', file }, { text = true }):wait(10000).stdout
  os.remove(file)
  local list = {}
  for _, f in ipairs(vim.json.decode(out or '')) do
    table.insert(list, { f.range.start.line + 1, f.code })
  end
  table.sort(list, by_line_then_code)
  return list
end

local function diagnostics_list(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, { d.lnum + 1, d.code, d.source })
  end
  table.sort(list, by_line_then_code)
  return list
end

-- The screen (headless Neovim draws its grid all the same): the text of screen row `row`.
local function screen_text(row)
  local chars = {}
  for col = 1, vim.o.columns do
    table.insert(chars, vim.fn.screenstring(row, col))
  end
  return table.concat(chars)
end

-- The screen rows of buffer line `lnum` (more than one when it wraps), after a redraw.
local function screen_rows(lnum)
  local first = vim.fn.screenpos(0, lnum, 1).row
  local last = vim.fn.screenpos(0, lnum, math.max(1, #vim.fn.getline(lnum))).row
  local rows = {}
  for row = first, math.max(first, last) do
    table.insert(rows, screen_text(row))
  end
  return rows
end

local SIGN = { 'E', 'W', 'I', 'H' } -- Neovim's default sign text by severity

-- The diagnostics of each line, and the most severe of them.
local function by_line(buf)
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local line = lines[d.lnum + 1] or { all = {}, top = {} }
    lines[d.lnum + 1] = line
    table.insert(line.all, d)
  end
  for _, line in pairs(lines) do
    local best = math.huge
    for _, d in ipairs(line.all) do
      best = math.min(best, d.severity)
    end
    for _, d in ipairs(line.all) do
      if d.severity == best then
        table.insert(line.top, d)
      end
    end
    line.severity = best
  end
  return lines
end

-- Whether a screen row of line `lnum` carries `prefix` then the start of one of `diagnostics`'
-- messages (virtual text is cut at the window's edge, so only the first 30 characters are asked).
local function shows_message(rows, prefix, diagnostics)
  for _, row in ipairs(rows) do
    for _, d in ipairs(diagnostics) do
      if row:find(prefix .. ' ' .. d.message:sub(1, 30), 1, true) then
        return true
      end
    end
  end
  return false
end

-- Message text and signs as drawn. `virtual_text` false: Neovim's own defaults, no message text.
local function check_screen(buf, virtual_text)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('redraw!')
  local lines = by_line(buf)
  local numbers = vim.tbl_keys(lines)
  table.sort(numbers)
  for _, lnum in ipairs(numbers) do
    local line = lines[lnum]
    local rows = screen_rows(lnum)
    say('  | ' .. table.concat(rows, '\n  | '):gsub('%s+$', ''))
    if virtual_text then
      local sign = rows[1]:sub(1, 1)
      check(
        sign == SIGN[line.severity],
        ('line %d (%d diagnostic%s) shows the sign of its most severe one: %s'):format(lnum, #line.all, #line.all == 1 and '' or 's', sign),
        'expected ' .. SIGN[line.severity]
      )
      check(
        shows_message(rows, '■', line.top),
        ('line %d shows the message of its most severe diagnostic as virtual text'):format(lnum),
        line.top[1].message
      )
    else
      check(not table.concat(rows):find('■', 1, true), ('line %d shows no virtual text'):format(lnum))
    end
  end
end

local function show(list)
  local parts = {}
  for _, item in ipairs(list) do
    table.insert(parts, item[1] .. ':' .. tostring(item[2]))
  end
  return table.concat(parts, ', ')
end

-- The messages the client sent, decoded from the LSP framing in the wire file.
local function sent_messages(file)
  local data = table.concat(vim.fn.readfile(file, 'b'), '\n')
  local messages = {}
  local pos = 1
  while true do
    local s, e, len = data:find('Content%-Length: (%d+)\r\n\r\n', pos)
    if not s then
      break
    end
    local body = data:sub(e + 1, e + tonumber(len))
    table.insert(messages, { raw = body, json = vim.json.decode(body) })
    pos = e + tonumber(len) + 1
  end
  return messages
end

local function find_message(messages, method)
  for _, m in ipairs(messages) do
    if m.json.method == method then
      return m
    end
  end
end

local function apply_fix(buf, cursor, title)
  vim.api.nvim_win_set_cursor(0, cursor)
  local before = vim.api.nvim_buf_get_lines(buf, cursor[1] - 1, cursor[1], false)[1]
  -- What a user runs (`gra` in 0.11): apply = true applies the only action the filter leaves
  -- (the one whose title starts with `title`).
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      if vim.startswith(action.title, title) then
        say('  | applying "' .. action.title .. '"')
        return true
      end
      return false
    end,
  })
  vim.wait(5000, function()
    return vim.api.nvim_buf_get_lines(buf, cursor[1] - 1, cursor[1], false)[1] ~= before
  end, 20)
  return vim.api.nvim_buf_get_lines(buf, cursor[1] - 1, cursor[1], false)[1]
end

local function run(setup)
  local buf = vim.api.nvim_get_current_buf()
  local root = os.getenv('IAM_LSP_E2E_ROOT')
  say(('== Neovim %s, setup: %s, file: %s'):format(tostring(vim.version()), setup, vim.api.nvim_buf_get_name(buf)))
  if _G.IAM_LSP_E2E_SNIPPET then
    say('  | ' .. _G.IAM_LSP_E2E_SNIPPET:gsub('\n', '\n  | '))
  end
  check(vim.bo[buf].filetype == 'json', 'the buffer has filetype json', vim.bo[buf].filetype)
  local original = vim.api.nvim_buf_get_lines(buf, 0, -1, false)

  local client
  vim.wait(10000, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'iam_lsp' })[1]
    return client ~= nil and client.initialized == true
  end, 20)
  if not check(client ~= nil, 'the iam_lsp client is attached and initialized') then
    return
  end
  check(client.root_dir == root, 'its root is the folder with .iam-lsp.toml: ' .. tostring(client.root_dir), root)
  local version = os.getenv('IAM_LSP_E2E_VERSION')
  local server_version = client.server_info and client.server_info.version
  check(
    'iam-lsp ' .. tostring(server_version) == version,
    'serverInfo.version is "' .. tostring(server_version) .. '" (iam-lsp --version)',
    version
  )

  -- Diagnostics: codes and lines, those `iam-lsp check` finds.
  local expected = cli_findings(original)
  check(#expected > 0, 'iam-lsp check finds ' .. show(expected))
  vim.wait(10000, function()
    return #vim.diagnostic.get(buf) >= #expected
  end, 20)
  local got = diagnostics_list(buf)
  for _, item in ipairs(got) do
    check(item[3] == 'iam-lsp', ('diagnostic line %d %s from iam-lsp'):format(item[1], item[2]), item[3])
  end
  check(show(got) == show(expected), 'the editor has the same diagnostics (line:code)', 'got ' .. show(got))

  -- On screen: each diagnosed line's most severe sign and message (Neovim 0.11 alone shows
  -- neither: no virtual text, unsorted signs), but Neovim's defaults with the plugin's opt-out.
  local optout = setup == 'optout'
  check_screen(buf, not optout)
  if setup ~= 'readme' then
    -- The plugin sets these on iam-lsp's namespaces only, not globally.
    local global = vim.diagnostic.config() or {}
    check(global.virtual_text == false and global.severity_sort == false, 'the global diagnostic config is Neovim\'s default', vim.inspect(global))
    for _, ns in ipairs({ vim.lsp.diagnostic.get_namespace(client.id, true), vim.lsp.diagnostic.get_namespace(client.id, false) }) do
      local opts = vim.diagnostic.config(nil, ns) or {}
      local set = type(opts.virtual_text) == 'function' and type(opts.severity_sort) == 'function'
      if optout then
        check(opts.virtual_text == nil and opts.severity_sort == nil, ('namespace %d has no options of the plugin'):format(ns), vim.inspect(opts))
      else
        check(set, ('namespace %d (iam-lsp\'s) has the plugin\'s virtual_text and severity_sort'):format(ns), vim.inspect(opts))
      end
    end
  end
  if setup ~= 'readme' and not optout then
    -- Set globally, the user's own setting wins, also when turned off again later (a toggle).
    vim.diagnostic.config({ virtual_text = { prefix = '>>' } })
    vim.cmd('redraw!')
    local rows = screen_rows(20)
    check(shows_message(rows, '>>', by_line(buf)[20].top), 'with a global virtual_text = { prefix = ">>" } line 20 shows it', rows[1])
    vim.diagnostic.config({ virtual_text = false })
    vim.cmd('redraw!')
    rows = screen_rows(20)
    check(not rows[1]:find('>>', 1, true) and not rows[1]:find('■', 1, true), 'turned off again globally, line 20 shows no virtual text', rows[1])
  end

  -- Hover on bedrock:InvokeModel, line 20.
  vim.api.nvim_win_set_cursor(0, { 20, 50 }) -- on `InvokeModel` (the prefix part hovers the service)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 5000) or {}
  local response = responses[client.id] or {}
  local hover = response.result and response.result.contents and response.result.contents.value or ''
  say('  | ' .. (hover:match('^[^\n]*\n?[^\n]*\n?[^\n]*') or ''):gsub('\n', '\n  | '))
  check(
    vim.startswith(hover, '**bedrock:InvokeModel** · Read · Amazon Bedrock'),
    'the hover on bedrock:InvokeModel starts with **bedrock:InvokeModel** · Read · Amazon Bedrock',
    response.err and vim.inspect(response.err) or hover
  )
  check(hover:find('Grants permission to invoke', 1, true) ~= nil, 'the hover has the description "Grants permission to invoke ..."')

  -- Code actions: the fix on bedrock:Converse (line 20), then the prefix fix on line 8.
  local before = diagnostics_list(buf)
  local line20 = apply_fix(buf, { 20, 28 }, CONVERSE_FIX)
  check(line20 == CONVERSE_FIXED, 'code action "' .. CONVERSE_FIX .. '" made line 20: ' .. line20, 'expected ' .. CONVERSE_FIXED)
  local _, invoke_models = line20:gsub('"bedrock:InvokeModel"', '')
  check(line20 ~= original[20] and invoke_models == 1, 'line 20 is edited and names bedrock:InvokeModel once, no duplicate')
  -- Every diagnostic but the fixed one stays, and no new one comes.
  local stays = vim.tbl_filter(function(item)
    return not (item[1] == 20 and item[2] == 'unknown-action')
  end, before)
  vim.wait(5000, function()
    return show(diagnostics_list(buf)) == show(stays)
  end, 20)
  got = diagnostics_list(buf)
  check(show(got) == show(stays), 'after it the diagnostics are the others, none new: ' .. show(stays), 'got ' .. show(got))

  local line8 = apply_fix(buf, { 8, 25 }, PREFIX_FIX)
  check(line8 == PREFIX_FIXED, 'code action "' .. PREFIX_FIX .. '" made line 8: ' .. line8, 'expected ' .. PREFIX_FIXED)
  local expected_text = vim.deepcopy(original)
  expected_text[20], expected_text[8] = CONVERSE_FIXED, PREFIX_FIXED
  local text = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  check(vim.deep_equal(text, expected_text), 'the rest of the buffer is unchanged', table.concat(text, '\n'))

  -- The diagnostics follow the edits: those `iam-lsp check` finds in the edited text.
  local after = cli_findings(text)
  vim.wait(5000, function()
    return show(diagnostics_list(buf)) == show(after)
  end, 20)
  got = diagnostics_list(buf)
  check(show(got) == show(after), 'after the fixes the diagnostics are those of iam-lsp check: ' .. show(after), 'got ' .. show(got))

  -- What the client sent: the settings in initializationOptions and didChangeConfiguration.
  local wire = os.getenv('IAM_LSP_E2E_WIRE')
  if setup ~= 'readme' and wire then
    local messages = sent_messages(wire)
    local init = find_message(messages, 'initialize')
    local change = find_message(messages, 'workspace/didChangeConfiguration')
    local expected = {
      plugin = {
        kinds = { ['**/trust/*.json'] = 'trust' },
        rules = { disabled = {}, severity = { ['legacy-action'] = 'hint' } },
        inlayHints = { enabled = false, accessLevels = true },
      },
      enable = {
        kinds = {},
        rules = { disabled = {}, severity = {} },
        inlayHints = { enabled = true, accessLevels = false },
      },
      autocmd = {
        kinds = {},
        rules = { disabled = {}, severity = {} },
        inlayHints = { enabled = true, accessLevels = false },
      },
    }
    expected.optout = expected.autocmd
    local want = expected[setup]
    local init_options = init and init.json.params.initializationOptions
    check(
      init_options ~= nil and vim.deep_equal(init_options, { iamLsp = want }),
      'initialize sent initializationOptions ' .. vim.inspect({ iamLsp = want }, { newline = ' ', indent = '' }),
      init and init.raw
    )
    local settings = change and change.json.params.settings
    check(
      settings ~= nil and vim.deep_equal(settings, { iamLsp = want }),
      'workspace/didChangeConfiguration sent the same settings',
      change and change.raw
    )
    -- JSON objects stay objects even when empty, arrays stay arrays.
    for _, m in ipairs({ init, change }) do
      local raw = m and m.raw or ''
      check(
        raw:find('"kinds":{', 1, true) and raw:find('"severity":{', 1, true) and raw:find('"disabled":[', 1, true),
        (m and m.json.method or '?') .. ': kinds and severity are JSON objects, disabled an array',
        raw
      )
    end
  end
end

function M.run(setup)
  -- A hung test must not hang CI: give up after 60 s.
  vim.defer_fn(function()
    say('  FAIL the test finished within 60 s')
    vim.cmd('cquit 2')
  end, 60000)
  local ok, err = pcall(run, setup)
  if not ok then
    check(false, 'the test ran to the end', err)
  end
  -- Policies embedded in a CloudFormation template and a Terraform module (e2e_embedded.lua).
  ok, err = pcall(dofile(os.getenv('IAM_LSP_E2E_REPO') .. '/editors/neovim/test/e2e_embedded.lua').run, check, say)
  if not ok then
    check(false, 'the embedded-policy checks ran to the end', err)
  end
  -- The "Simulate" lens and `:IamLspSimulate`, shown in a float (e2e_simulate.lua).
  ok, err = pcall(dofile(os.getenv('IAM_LSP_E2E_REPO') .. '/editors/neovim/test/e2e_simulate.lua').run, check, say, setup)
  if not ok then
    check(false, 'the simulate checks ran to the end', err)
  end
  say(('neovim-e2e (%s): %d passed, %d failed'):format(setup, checks - failures, failures))
  if failures > 0 then
    vim.cmd('cquit 1')
  end
  vim.cmd('qall!')
end

return M
