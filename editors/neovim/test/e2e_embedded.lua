-- Policies embedded in infrastructure code, in the Neovim end-to-end test (run from e2e.lua after
-- the JSON checks, in the same editor and client): a CloudFormation YAML template and a Terraform
-- module from tests/fixtures each get the diagnostic `iam-lsp check` finds inside their policy, at
-- its position; the quick fix applied there removes it, brings no new finding and leaves the host
-- file valid YAML/HCL. A YAML file that is no template (a Kubernetes manifest) gets nothing.
local M = {}

-- The fixture, where its copy goes under the test's root, its filetype, the finding to fix (its
-- code and the text it starts at), the fix's title and the line it makes. Fixes that reveal no other
-- finding on the corrected action, so that "none new" is asked exactly.
local HOSTS = {
  {
    fixture = 'tests/fixtures/cloudformation/bedrock-agent-stack.yaml',
    copy = 'templates/bedrock-agent-stack.yaml',
    filetype = 'yaml',
    code = 'api-name-as-prefix',
    token = 'bedrock-agent-runtime',
    fix = 'Change the prefix to `bedrock`',
    fixed = '                Action: [bedrock:InvokeAgent, bedrock:GetAgent]',
  },
  {
    fixture = 'tests/fixtures/terraform/bedrock-agent-broken.tf',
    copy = 'terraform/bedrock-agent-broken.tf',
    filetype = 'terraform',
    -- in the heredoc JSON of an aws_iam_role_policy
    code = 'unknown-action',
    token = 'GetObjects',
    fix = 'Change to `s3:GetObject`',
    fixed = '          "Action": ["s3:ListBucket", "s3:GetObject"],',
  },
}

-- A finding as "line:col:code" (1-based line, 0-based column), or "line:code" without a column.
local function key(line, col, code)
  return col and ('%d:%d:%s'):format(line, col, code) or ('%d:%s'):format(line, code)
end

-- What `iam-lsp check` finds in `lines`, written next to `path` with the same extension (so that
-- the host format and the .iam-lsp.toml are the same as the buffer's).
local function cli_findings(path, lines)
  local file = vim.fs.dirname(path) .. '/.e2e-check.' .. vim.fn.fnamemodify(path, ':e')
  vim.fn.writefile(lines, file)
  local out = vim.system({ 'iam-lsp', 'check', '--format', 'json', file }, { text = true }):wait(10000).stdout
  os.remove(file)
  local list = {}
  for _, f in ipairs(vim.json.decode(out or '')) do
    table.insert(list, { line = f.range.start.line + 1, col = f.range.start.character, code = f.code })
  end
  return list
end

local function keys(findings, without_column)
  local list = {}
  for _, f in ipairs(findings) do
    table.insert(list, key(f.line, not without_column and f.col or nil, f.code))
  end
  table.sort(list)
  return table.concat(list, ', ')
end

local function editor_findings(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, { line = d.lnum + 1, col = d.col, code = d.code, source = d.source })
  end
  return list
end

local function open(repo, root, host)
  local path = root .. '/' .. host.copy
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  vim.fn.writefile(vim.fn.readfile(repo .. '/' .. host.fixture, 'b'), path, 'b')
  vim.cmd.edit(vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf(), path
end

local function attached(buf)
  local client
  vim.wait(10000, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'iam_lsp' })[1]
    return client ~= nil and client.initialized == true
  end, 20)
  return client
end

local function check_host(check, say, repo, root, host)
  local buf, path = open(repo, root, host)
  say('-- ' .. host.copy)
  check(vim.bo[buf].filetype == host.filetype, 'the buffer has filetype ' .. host.filetype, vim.bo[buf].filetype)
  if not check(attached(buf) ~= nil, 'the iam_lsp client is attached to it') then
    return
  end
  local original = vim.api.nvim_buf_get_lines(buf, 0, -1, false)

  -- The diagnostics, at the positions `iam-lsp check` gives; the one to fix is in a policy.
  local expected = cli_findings(path, original)
  local target
  for _, f in ipairs(expected) do
    if not target and f.code == host.code and original[f.line]:sub(f.col + 1, f.col + #host.token) == host.token then
      target = f
    end
  end
  if not check(target ~= nil, 'iam-lsp check finds ' .. keys(expected) .. ', with ' .. host.code .. ' at ' .. host.token) then
    return
  end
  vim.wait(10000, function()
    return #vim.diagnostic.get(buf) >= #expected
  end, 20)
  local got = editor_findings(buf)
  check(keys(got) == keys(expected), 'the editor has the same diagnostics (line:col:code)', 'got ' .. keys(got))
  for _, d in ipairs(got) do
    check(d.source == 'iam-lsp', ('diagnostic %s from iam-lsp'):format(key(d.line, d.col, d.code)), d.source)
  end
  say('  | ' .. original[target.line])

  -- The quick fix there, as a user runs it (`gra`): the only action the filter leaves.
  vim.api.nvim_win_set_cursor(0, { target.line, target.col })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      if vim.startswith(action.title, host.fix) then
        say('  | applying "' .. action.title .. '"')
        return true
      end
      return false
    end,
  })
  local function line()
    return vim.api.nvim_buf_get_lines(buf, target.line - 1, target.line, false)[1]
  end
  vim.wait(5000, function()
    return line() ~= original[target.line]
  end, 20)
  check(line() == host.fixed, ('code action "%s" made line %d: %s'):format(host.fix, target.line, line()), 'expected ' .. host.fixed)
  local text = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local expected_text = vim.deepcopy(original)
  expected_text[target.line] = host.fixed
  check(vim.deep_equal(text, expected_text), 'the rest of the file is unchanged', table.concat(text, '\n'))

  -- Afterwards: the fixed one gone, the others stay (on their lines: the edit may move those
  -- after it on the same line), none new, and the host still parses
  -- (a broken host would be a yaml-syntax / hcl-syntax finding of iam-lsp check).
  local after = cli_findings(path, text)
  local stays = vim.tbl_filter(function(f)
    return f ~= target
  end, expected)
  check(
    keys(after, true) == keys(stays, true),
    'iam-lsp check of the fixed text finds the others, none new: ' .. keys(stays, true),
    'got ' .. keys(after, true)
  )
  local syntax = vim.tbl_filter(function(f)
    return f.code:match('%-syntax$') ~= nil
  end, after)
  check(#syntax == 0, 'the fixed file is still valid ' .. host.filetype, keys(syntax))
  vim.wait(5000, function()
    return keys(editor_findings(buf)) == keys(after)
  end, 20)
  got = editor_findings(buf)
  check(keys(got) == keys(after), 'the editor\'s diagnostics follow: those of iam-lsp check', 'got ' .. keys(got))
end

function M.run(check, say)
  local repo = assert(os.getenv('IAM_LSP_E2E_REPO'), 'IAM_LSP_E2E_REPO is not set')
  local root = assert(os.getenv('IAM_LSP_E2E_ROOT'), 'IAM_LSP_E2E_ROOT is not set')
  for _, host in ipairs(HOSTS) do
    check_host(check, say, repo, root, host)
  end

  -- Other YAML: the client attaches (filetype yaml) and the server says nothing about it.
  local buf = open(repo, root, { fixture = 'tests/fixtures/cloudformation/not-a-template.yaml', copy = 'k8s/deployment.yaml' })
  say('-- k8s/deployment.yaml (a Kubernetes manifest)')
  if check(attached(buf) ~= nil, 'the iam_lsp client is attached to it') then
    -- Nothing to wait for but time: a template's diagnostics come within a second (above).
    vim.wait(1500, function()
      return #vim.diagnostic.get(buf) > 0
    end, 20)
    check(#vim.diagnostic.get(buf) == 0, 'it has no diagnostics', keys(editor_findings(buf)))
  end
end

return M
