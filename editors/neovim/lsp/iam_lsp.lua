-- Neovim 0.11+ finds this file on 'runtimepath' as the configuration of `iam_lsp`: with this
-- plugin installed, `vim.lsp.enable('iam_lsp')` is all it takes. It also gives iam-lsp's
-- diagnostics virtual text and severity sorting while your global config leaves those at
-- Neovim's defaults (see lua/iam_lsp/init.lua; `vim.g.iam_lsp_diagnostic_defaults = false` opts out).
local iam_lsp = require('iam_lsp')
iam_lsp.enable_diagnostic_defaults()
iam_lsp.create_user_commands()
return iam_lsp.config()
