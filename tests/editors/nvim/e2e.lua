-- Headless end-to-end check of djvet in Neovim:
--   nvim --headless -u init.lua -i NONE -c 'luafile e2e.lua' project/mysite/settings.py
-- Waits for DJV201, applies its quick fix through vim.lsp.buf.code_action, writes the file,
-- and waits for the diagnostic to go. Exit status 0 = pass; one line per step on stdout.
local uv = vim.uv or vim.loop
local t0 = uv.hrtime()
local timeout = tonumber(vim.env.DJVET_E2E_TIMEOUT_MS or '20000')
local function log(msg)
  io.stdout:write(string.format('[%5d ms] %s\n', math.floor((uv.hrtime() - t0) / 1e6), msg))
  io.stdout:flush()
end
local function fail(msg)
  log('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end

local bufnr = vim.api.nvim_get_current_buf()
local path = vim.api.nvim_buf_get_name(bufnr)
local v = vim.version()
log(('nvim %d.%d.%d, api=%s, file=%s, ft=%s'):format(v.major, v.minor, v.patch,
  tostring(vim.g.djvet_lsp_api), path, vim.bo.filetype))

local function client()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  return clients[1]
end

local function diagnostic(code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code and d.source == 'djvet' then return d end
  end
end

-- 1. the server starts and attaches
if not vim.wait(timeout, function() local c = client(); return c ~= nil and c.initialized ~= false end, 20) then
  return fail('no LSP client attached')
end
log('client attached: ' .. client().name)

-- 2. DJV201 arrives (pushed on didOpen, or pulled by newer Neovim)
if not vim.wait(timeout, function() return diagnostic('DJV201') ~= nil end, 20) then
  return fail('no DJV201 diagnostic; got ' .. vim.inspect(vim.diagnostic.get(bufnr)))
end
local d = diagnostic('DJV201')
log(('diagnostic: %d:%d %s [%s]'):format(d.lnum + 1, d.col + 1, d.message, d.code))

-- 3. its quick fix, through the code path a user's mapping takes
vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
local offered = {}
local function is_fix(action) return action.title:find('^DJV201: ') ~= nil end
vim.ui.select = function(items, _, on_choice)  -- 0.7 always asks; pick the DJV201 fix
  for i, item in ipairs(items) do
    local action = item.action or item[2]
    table.insert(offered, action.title)
    if is_fix(action) then return on_choice(item, i) end
  end
  on_choice(nil)
end
local before = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
if vim.fn.has('nvim-0.8') == 1 then
  vim.lsp.buf.code_action({ context = { only = { 'quickfix' } }, filter = is_fix, apply = true })
else
  vim.lsp.buf.code_action({ only = { 'quickfix' } })
end
if not vim.wait(timeout, function()
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') ~= before
end, 20) then
  return fail('quick fix not applied; offered: ' .. vim.inspect(offered))
end
log('quick fix applied; offered: ' .. table.concat(offered, ' | '))

-- 4. write, and the server re-checks the new text: DJV201 is gone
vim.cmd('silent write')
if not vim.wait(timeout, function() return diagnostic('DJV201') == nil end, 20) then
  return fail('DJV201 still reported after the fix: ' .. vim.inspect(vim.diagnostic.get(bufnr)))
end
log('PASS: DJV201 fixed and gone')
vim.cmd('qall!')
