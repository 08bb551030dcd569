-- cargo-lens for Neovim 0.7 (no vim.lsp.start before 0.8): start one client, attach every Cargo.toml.
-- Put it in your init.lua; `cargo-lens` must be on PATH (or write its full path in `cmd`).
local cargo_lens_client = nil
vim.api.nvim_create_autocmd("BufReadPost", {
  pattern = "Cargo.toml",
  callback = function(args)
    if not cargo_lens_client or vim.lsp.client_is_stopped(cargo_lens_client) then
      cargo_lens_client = vim.lsp.start_client({
        name = "cargo-lens",
        cmd = { "cargo-lens", "serve", "--stdio" },
        root_dir = vim.fn.getcwd(),
        flags = { debounce_text_changes = 0 },
      })
    end
    vim.lsp.buf_attach_client(args.buf, cargo_lens_client)
  end,
})
