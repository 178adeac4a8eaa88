-- Neovim 0.11+ finds this file on 'runtimepath' as the configuration of `iam_lsp`: with this
-- plugin installed, `vim.lsp.enable('iam_lsp')` is all it takes.
return require('iam_lsp').config()
