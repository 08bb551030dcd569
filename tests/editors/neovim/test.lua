-- Headless Neovim (Debian's 0.7) as an LSP client of cargo-lens, configured with cargo_lens.lua (the
-- README's snippet): open crates/entry/Cargo.toml of a copy of the rust-lang/cargo#15023 example,
-- receive the CL301 warning, ask for code actions at it, apply the "exclude" quick fix, write the
-- buffers, check the root Cargo.toml on disk and that the warning goes away.
--
--   cd <copy of the example> && nvim --headless --clean -c 'luafile test.lua'   (run.sh does this)
--
-- Environment: CARGO_LENS_NVIM_CONFIG the snippet to load; CARGO_LENS_SERVER the cargo-lens that
-- `cargo-lens` on PATH must be. Exit status 0 when every check passed (`qa!`), 1 otherwise (`cq!`).

local EXPECT_TITLE = 'Add "crates/dep" to workspace.exclude in Cargo.toml'
local t0 = vim.loop.hrtime()

local function log(fmt, ...)
  io.stdout:write(string.format("[nvim %.1fs] ", (vim.loop.hrtime() - t0) / 1e9) .. string.format(fmt, ...) .. "\n")
  io.stdout:flush()
end

local function read_file(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

local function wait_for(what, ms, pred)
  if not vim.wait(ms, pred, 20) then
    error("timed out after " .. ms / 1000 .. "s waiting for " .. what, 2)
  end
end

-- the raw LSP diagnostics as the server sent them, by URI (for the code action context)
local published = {}

local function cl301(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == "CL301" then
      return d
    end
  end
  return nil
end

local function main()
  local ws = vim.fn.getcwd()
  local entry = ws .. "/crates/entry/Cargo.toml"
  local root = ws .. "/Cargo.toml"
  local root_before = read_file(root)

  local server = vim.fn.exepath("cargo-lens")
  local want_server = os.getenv("CARGO_LENS_SERVER")
  if want_server and vim.fn.resolve(server) ~= vim.fn.resolve(want_server) then
    error(string.format("cargo-lens on PATH is %q, expected %q", server, want_server))
  end
  log("cargo-lens: %s", server)

  -- keep the raw diagnostics too; Neovim's own handler still runs
  local on_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
    if result then
      published[result.uri] = result.diagnostics
    end
    return on_publish(err, result, ctx, config)
  end

  -- the README's configuration, unchanged
  dofile(assert(os.getenv("CARGO_LENS_NVIM_CONFIG"), "CARGO_LENS_NVIM_CONFIG is not set"))

  vim.o.hidden = true
  vim.cmd("edit " .. vim.fn.fnameescape(entry))
  local buf = vim.api.nvim_get_current_buf()
  local clients
  wait_for("the cargo-lens client to attach and initialize", 20000, function()
    clients = vim.lsp.buf_get_clients(buf)
    local _, c = next(clients)
    return c ~= nil and c.initialized
  end)
  local _, client = next(clients)
  log("client %d %s attached, offset encoding %s", client.id, client.name, client.offset_encoding)

  -- 1. the CL301 diagnostic
  wait_for("the CL301 diagnostic on crates/entry/Cargo.toml", 20000, function()
    return cl301(buf) ~= nil
  end)
  local d = cl301(buf)
  log("diagnostic: %s:%d:%d %s [%s] %s", vim.fn.fnamemodify(entry, ":."), d.lnum + 1, d.col + 1,
    vim.diagnostic.severity[d.severity], d.code, d.message)
  assert(d.severity == vim.diagnostic.severity.WARN, "CL301 is not a warning")
  assert(d.lnum == 6 and d.col == 0 and d.end_lnum == 6 and d.end_col == 3,
    string.format("CL301 not on `dep` (7:1-7:4): %d:%d-%d:%d", d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1))
  assert(d.message:find("joins the workspace only through", 1, true), "unexpected message: " .. d.message)
  assert(#vim.diagnostic.get(buf) == 1, "more diagnostics than CL301: " .. vim.inspect(vim.diagnostic.get(buf)))

  -- 2. code actions at it
  local uri = vim.uri_from_bufnr(buf)
  local raw
  for _, r in ipairs(published[uri] or {}) do
    if r.code == "CL301" then
      raw = r
    end
  end
  assert(raw, "the CL301 diagnostic was not pushed with textDocument/publishDiagnostics")
  local responses, err = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = raw.range,
    context = { diagnostics = { raw }, only = { "quickfix" } },
  }, 10000)
  assert(responses, "textDocument/codeAction: " .. tostring(err))
  local actions = {}
  for _, resp in pairs(responses) do
    assert(not resp.err, "textDocument/codeAction error: " .. vim.inspect(resp.err))
    for _, a in ipairs(resp.result or {}) do
      table.insert(actions, a)
    end
  end
  local titles, action = {}, nil
  for _, a in ipairs(actions) do
    table.insert(titles, a.title .. (a.isPreferred and " (preferred)" or ""))
    if a.title == EXPECT_TITLE then
      action = a
    end
  end
  log("code actions: %s", table.concat(titles, " | "))
  assert(action, "no action titled " .. EXPECT_TITLE)
  assert(action.isPreferred, "the exclude fix is not the preferred action")
  assert(action.kind == nil or action.kind:find("^quickfix"), "not a quickfix: " .. tostring(action.kind))

  -- 3. apply it, as vim.lsp.buf.code_action() would
  if not action.edit and not action.command then
    local r = client.request_sync("codeAction/resolve", action, 10000, buf)
    assert(r and not r.err, "codeAction/resolve failed: " .. vim.inspect(r))
    action = r.result
  end
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
  if action.command then
    local cmd = type(action.command) == "table" and action.command or action
    local r = client.request_sync("workspace/executeCommand",
      { command = cmd.command, arguments = cmd.arguments }, 10000, buf)
    assert(r and not r.err, "workspace/executeCommand failed: " .. vim.inspect(r))
  end
  local root_buf = vim.fn.bufnr(root)
  assert(root_buf ~= -1, "the edit did not load the root Cargo.toml")
  local root_lines = table.concat(vim.api.nvim_buf_get_lines(root_buf, 0, -1, false), "\n")
  assert(root_lines:find('exclude = ["crates/dep"]', 1, true), "root buffer not edited:\n" .. root_lines)
  assert(vim.bo[root_buf].modified, "the root buffer is not modified")

  -- 4. write the buffers; the root manifest on disk
  vim.cmd("wall")
  local root_after = read_file(root)
  local added = {}
  local before_set = {}
  for l in (root_before .. "\n"):gmatch("(.-)\n") do
    before_set[l] = true
  end
  for l in (root_after .. "\n"):gmatch("(.-)\n") do
    if not before_set[l] then
      table.insert(added, l)
    end
  end
  log("root Cargo.toml, lines added: %s", vim.inspect(added))
  assert(#added == 1 and added[1] == 'exclude = ["crates/dep"]', "unexpected edit:\n" .. root_after)
  assert(read_file(entry) == table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n",
    "crates/entry/Cargo.toml changed")

  -- 5. the warning goes away (the root buffer is attached through the snippet's autocommand)
  assert(vim.lsp.buf_is_attached(root_buf, client.id), "the root Cargo.toml buffer is not attached")
  wait_for("CL301 to go away", 20000, function()
    return cl301(buf) == nil
  end)
  log("diagnostics left on crates/entry/Cargo.toml: %d", #vim.diagnostic.get(buf))
  assert(#vim.diagnostic.get(buf) == 0, "diagnostics left: " .. vim.inspect(vim.diagnostic.get(buf)))
  assert(#vim.diagnostic.get(root_buf) == 0, "diagnostics on the root: " .. vim.inspect(vim.diagnostic.get(root_buf)))

  -- 6. shut the server down cleanly
  vim.lsp.stop_client(client.id)
  wait_for("the server to stop", 10000, function()
    return vim.lsp.client_is_stopped(client.id)
  end)
  log("PASS: diagnostic, code actions, exclude quick fix applied and written, warning gone")
end

local ok, err = pcall(main)
if ok then
  vim.cmd("qa!")
else
  io.stderr:write("FAIL: " .. tostring(err) .. "\n")
  io.stderr:flush()
  for _, c in pairs(vim.lsp.get_active_clients()) do
    c.stop(true)
  end
  vim.cmd("cq!")
end
