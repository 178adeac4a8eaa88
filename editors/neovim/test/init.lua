-- Neovim init for the end-to-end test (run by test/run.sh): sets iam-lsp up one of five ways,
-- then test/e2e.lua checks diagnostics, hover and code actions in the real editor.
--   IAM_LSP_E2E_SETUP=readme   the README's `vim.lsp.config` + `vim.lsp.enable` snippet, verbatim
--   IAM_LSP_E2E_SETUP=plugin   this plugin's `require('iam_lsp').setup{...}` with settings
--   IAM_LSP_E2E_SETUP=enable   the plugin on 'runtimepath' and a bare `vim.lsp.enable('iam_lsp')`
--                              (its lsp/iam_lsp.lua), with the default settings
--   IAM_LSP_E2E_SETUP=autocmd  the plugin's path for Neovim < 0.11 without nvim-lspconfig
--   IAM_LSP_E2E_SETUP=optout   the plugin's setup() with `diagnostic_defaults = false`
local repo = assert(os.getenv('IAM_LSP_E2E_REPO'), 'IAM_LSP_E2E_REPO is not set')
local setup = os.getenv('IAM_LSP_E2E_SETUP') or 'plugin'
local wire = os.getenv('IAM_LSP_E2E_WIRE') -- the client's messages to the server, as sent
vim.o.swapfile = false
vim.o.shadafile = 'NONE'
-- A screen the whole fixture fits on, wide enough for the start of each message.
vim.o.columns = 200
vim.o.lines = 40

-- The server, with what the client sends it copied to a file on the way.
local function wrapped_cmd()
  return { 'sh', '-c', 'tee "$0" | exec iam-lsp', wire }
end

local ok, err = pcall(function()
  if setup == 'readme' then
    local readme = table.concat(vim.fn.readfile(repo .. '/README.md'), '\n')
    local snippet = readme:match('\n### Neovim[^\n]*\n.-```lua\n(.-)\n```')
    assert(snippet, 'README.md has no ```lua block under a "### Neovim" heading')
    _G.IAM_LSP_E2E_SNIPPET = snippet
    assert(loadstring(snippet, 'README snippet'))()
  else
    vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
    if setup == 'plugin' then
      require('iam_lsp').setup({
        cmd = wrapped_cmd(),
        settings = {
          kinds = { ['**/trust/*.json'] = 'trust' },
          rules = { severity = { ['legacy-action'] = 'hint' } },
          inlayHints = { enabled = false, accessLevels = true },
        },
      })
    elseif setup == 'enable' then
      vim.lsp.config('iam_lsp', { cmd = wrapped_cmd() }) -- only to copy what is sent
      vim.lsp.enable('iam_lsp')
    elseif setup == 'autocmd' then
      require('iam_lsp').setup_autocmd({ cmd = wrapped_cmd() })
    elseif setup == 'optout' then
      require('iam_lsp').setup({ cmd = wrapped_cmd(), diagnostic_defaults = false })
    else
      error('unknown IAM_LSP_E2E_SETUP ' .. setup)
    end
  end
end)
if not ok then
  io.stdout:write('  FAIL setup (' .. setup .. '): ' .. tostring(err) .. '\n')
  vim.cmd('cquit 1')
end

_G.run_e2e = function()
  dofile(repo .. '/editors/neovim/test/e2e.lua').run(setup)
end
