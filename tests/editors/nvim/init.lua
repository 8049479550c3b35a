-- Minimal Neovim config attaching `djvet server` to Python buffers, for the headless test.
-- Neovim 0.7 (vim.lsp.start_client + buf_attach_client), 0.8-0.10 (vim.lsp.start) and
-- 0.11+ (vim.lsp.config + vim.lsp.enable, reading the committed editors/nvim/lsp/djvet.lua).
--
-- $DJVET_SERVER_CMD: the server command as a JSON list (e.g. the venv's python -m djvet server).
-- $DJVET_EDITORS_DIR: the repository's editors/nvim folder (for the 0.11+ config file).
local cmd = vim.fn.json_decode(vim.env.DJVET_SERVER_CMD or '["djvet", "server"]')
local markers = { 'pyproject.toml', 'manage.py', '.git' }

vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
local level = vim.env.NVIM_LSP_LOG_LEVEL or 'WARN'
if vim.lsp.log and vim.lsp.log.set_level then vim.lsp.log.set_level(level)
else vim.lsp.set_log_level(level) end

-- The nearest folder with a project marker (vim.fs.root is 0.10+, so walk by hand).
local function root_dir(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then return dir end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then return vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h') end
    dir = parent
  end
end

if vim.lsp.config and vim.lsp.enable then
  if vim.env.DJVET_EDITORS_DIR then vim.opt.runtimepath:prepend(vim.env.DJVET_EDITORS_DIR) end
  vim.lsp.config('djvet', { cmd = cmd })  -- merged over lsp/djvet.lua from the runtimepath
  vim.lsp.enable('djvet')
  vim.g.djvet_lsp_api = 'vim.lsp.config+enable'
elseif vim.fn.has('nvim-0.8') == 1 then
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'python',
    callback = function(args)
      vim.lsp.start({ name = 'djvet', cmd = cmd, root_dir = root_dir(args.buf) })
    end,
  })
  vim.g.djvet_lsp_api = 'vim.lsp.start'
else
  local client_id
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'python',
    callback = function(args)
      client_id = client_id or vim.lsp.start_client({ name = 'djvet', cmd = cmd, root_dir = root_dir(args.buf) })
      vim.lsp.buf_attach_client(args.buf, client_id)
    end,
  })
  vim.g.djvet_lsp_api = 'vim.lsp.start_client+buf_attach_client'
end
