compile_error!("`dep` is switched off by cfg(any()), yet `cargo check` at the root builds it");
