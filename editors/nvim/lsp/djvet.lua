-- djvet language server for Neovim 0.11+ (`vim.lsp.config`) and nvim-lspconfig's `lsp/` folder.
--
-- Copy this file to ~/.config/nvim/lsp/djvet.lua (or put this folder on 'runtimepath'),
-- then enable it once in your init.lua:
--
--   vim.lsp.enable('djvet')
--
-- Override any field without editing the file, e.g. a project virtualenv's djvet:
--
--   vim.lsp.config('djvet', { cmd = { '.venv/bin/djvet', 'server' } })
--
-- Settings (see docs/editors.md) are sent both as initializationOptions and, when the
-- server asks, as the `djvet` section of workspace/configuration. Editor settings win
-- over [tool.djvet] in pyproject.toml, which wins over the defaults.
---@type vim.lsp.Config
return {
  cmd = { 'djvet', 'server' },
  -- Python modules, Django templates, requirements files and deployment files.
  filetypes = { 'python', 'htmldjango', 'requirements', 'dockerfile', 'toml', 'yaml', 'systemd' },
  root_markers = { 'pyproject.toml', 'manage.py', '.git' },
  init_options = {},
  settings = {
    djvet = {
      -- select = { 'DJV' },
      -- ignore = { 'DJV221' },
      -- severity = { DJV201 = 'warning' },
      -- settingsModules = { production = { 'config.settings.production' } },
    },
  },
}
