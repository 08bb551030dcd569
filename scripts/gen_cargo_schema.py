"""Write schemas/cargo.schema.json, the JSON Schema of Cargo.toml, from the definitions below.

    python scripts/gen_cargo_schema.py          # rewrite schemas/cargo.schema.json
    python scripts/gen_cargo_schema.py --check  # exit 1 when the JSON is stale (a test runs this)

This script is the schema's source: the JSON repeats a lot (the dependency keys in three
contexts, the profile keys in three, each description again as markdown with its link), which
is easy to keep consistent here and tedious by hand.

Sources: the Cargo reference (doc.rust-lang.org/cargo/reference, src/doc/src/reference/ of
rust-lang/cargo at the rust-1.95.0 branch) for what each key means, and cargo 1.95's manifest
types (crates/cargo-util-schemas/src/manifest/mod.rs) for the exact key list, the serde renames
and legacy spellings, the untagged "string or table" forms and what cargo rejects. Descriptions
are our own words; every key links to its section of the reference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "schemas" / "cargo.schema.json"

REF = "https://doc.rust-lang.org/cargo/reference/"
MANIFEST = REF + "manifest.html"
TARGETS = REF + "cargo-targets.html"
DEPS = REF + "specifying-dependencies.html"
FEATURES = REF + "features.html"
PROFILES = REF + "profiles.html"
WS = REF + "workspaces.html"
OVR = REF + "overriding-dependencies.html"
UNSTABLE = REF + "unstable.html"


def field(description, url, body=None, *, title=None, deprecated=False, default=None, examples=None, **extra):
    """A property schema: the annotations, plus the value's shape (a $ref is wrapped in allOf so
    that its siblings still count under draft-07)."""
    out = {}
    if title:
        out["title"] = title
    out["description"] = description
    out["markdownDescription"] = f"{description}\n\n[Cargo reference]({url})"
    out["x-docs"] = url
    out["x-taplo"] = {"links": {"key": url}}
    if deprecated:
        out["deprecated"] = True
    if default is not None:
        out["default"] = default
    if examples is not None:
        out["examples"] = examples
    body = dict(body or {})
    if "$ref" in body:
        ref = body.pop("$ref")
        out["allOf"] = [{"$ref": ref}]
    out.update(body)
    out.update(extra)
    return out


def ref(name):
    return {"$ref": f"#/definitions/{name}"}


def inheritable(body):
    """The value, or `{ workspace = true }` (tried in this order, as cargo's untagged enum does)."""
    return {"anyOf": [body, ref("workspace-inherit")]}


STR = {"type": "string"}
BOOL = {"type": "boolean"}
STRS = {"type": "array", "items": {"type": "string"}}
ANY = {}

EDITIONS = ["2015", "2018", "2021", "2024"]
EDITION = {"type": "string", "enum": EDITIONS}
RUST_VERSION = {
    "type": "string",
    "pattern": r"^\s*[0-9]+(\.[0-9]+(\.[0-9]+)?)?\s*$",
    "patternErrorMessage": 'a Rust version like "1.74" or "1.74.1" (no pre-release, no requirement operator)',
}
SEMVER_CORE = r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
PKG_VERSION = {
    "type": "string",
    "pattern": r"^\s*" + SEMVER_CORE + r"\s*$",
    "patternErrorMessage": 'a SemVer version with three numbers, like "1.2.3" or "1.0.0-beta.1"',
}
WS_VERSION = {
    "type": "string",
    "pattern": "^" + SEMVER_CORE + "$",
    "patternErrorMessage": 'a SemVer version with three numbers, like "1.2.3" or "1.0.0-beta.1"',
}
RESOLVER = {"type": "string", "enum": ["1", "2", "3"]}
README = {"type": ["string", "boolean"]}
PUBLISH = {"type": ["boolean", "array"], "items": {"type": "string"}}


# -- [package] -----------------------------------------------------------------------------

def package_props(inherit: bool):
    """The fields of [package] (inherit=True) or of [workspace.package] (inherit=False)."""
    def inh(body):
        return inheritable(body) if inherit else body

    wsnote = " Write `{ workspace = true }` (or `key.workspace = true`) to inherit it from `[workspace.package]`." if inherit else ""
    p = {}
    if inherit:
        p["name"] = field(
            "The package name: letters, digits, `-` and `_`. Dependents use it, and it names the default lib and bin targets.",
            MANIFEST + "#the-name-field", STR)
    p["version"] = field(
        "The package version, a SemVer version with three numbers (`1.2.3`, `1.0.0-alpha.1`). Optional; defaults to `0.0.0`, but required to publish." + wsnote,
        MANIFEST + "#the-version-field", inh(PKG_VERSION if inherit else WS_VERSION))
    p["authors"] = field(
        "Deprecated list of the package's authors, each optionally with an `<email>`." + wsnote,
        MANIFEST + "#the-authors-field", inh(STRS))
    p["edition"] = field(
        "The Rust edition the package's targets are compiled with; `2015` when absent." + wsnote,
        MANIFEST + "#the-edition-field", inh(EDITION), examples=["2024"])
    p["rust-version"] = field(
        "The oldest Rust toolchain the package supports (`major[.minor[.patch]]`, e.g. `1.74`)." + wsnote,
        REF + "rust-version.html", inh(RUST_VERSION))
    p["description"] = field(
        "A short plain-text blurb about the package, shown by registries (crates.io requires it)." + wsnote,
        MANIFEST + "#the-description-field", inh(STR))
    p["documentation"] = field(
        "URL of the package's documentation; crates.io links to docs.rs when absent." + wsnote,
        MANIFEST + "#the-documentation-field", inh(STR))
    p["readme"] = field(
        "Path of the README file, relative to this manifest; `false` turns off the automatic README.md/README.txt/README pick, `true` means README.md." + wsnote,
        MANIFEST + "#the-readme-field", inh(README))
    p["homepage"] = field(
        "URL of the package's home page, when it has one besides the repository and the documentation." + wsnote,
        MANIFEST + "#the-homepage-field", inh(STR))
    p["repository"] = field(
        "URL of the package's source repository." + wsnote,
        MANIFEST + "#the-repository-field", inh(STR))
    p["license"] = field(
        "The license, as an SPDX 2.3 expression such as `MIT OR Apache-2.0`." + wsnote,
        MANIFEST + "#the-license-and-license-file-fields", inh(STR))
    p["license-file"] = field(
        "Path of a file with the license text, relative to this manifest, for a license without an SPDX name." + wsnote,
        MANIFEST + "#the-license-and-license-file-fields", inh(STR))
    p["keywords"] = field(
        "Search keywords for registries (crates.io: at most 5, each at most 20 ASCII characters)." + wsnote,
        MANIFEST + "#the-keywords-field", inh(STRS))
    p["categories"] = field(
        "crates.io category slugs the package belongs to (at most 5, matching https://crates.io/category_slugs)." + wsnote,
        MANIFEST + "#the-categories-field", inh(STRS))
    p["exclude"] = field(
        "gitignore-style patterns of files left out of the published package (ignored when `include` is set)." + wsnote,
        MANIFEST + "#the-exclude-and-include-fields", inh(STRS))
    p["include"] = field(
        "gitignore-style patterns of the only files put in the published package; overrides `exclude`." + wsnote,
        MANIFEST + "#the-exclude-and-include-fields", inh(STRS))
    p["publish"] = field(
        "`false` forbids publishing; an array lists the only registries it may be published to." + wsnote,
        MANIFEST + "#the-publish-field", inh(PUBLISH))
    if not inherit:
        p["badges"] = field(
            "Badges that members can inherit; accepted by cargo though not documented (the top-level `[badges]` table is not inheritable).",
            MANIFEST + "#the-badges-section", ref("badges"))
        return p
    p["workspace"] = field(
        "Path of the workspace root directory, for a member that is not below its root; not allowed together with `[workspace]`.",
        MANIFEST + "#the-workspace-field", STR)
    p["build"] = field(
        "The build script, relative to this manifest (default `build.rs` when it exists); `false` disables build script detection. An array (several scripts) is unstable.",
        MANIFEST + "#the-build-field", {"type": ["string", "boolean", "array"], "items": {"type": "string"}})
    p["links"] = field(
        "Name of the native library the package links; at most one package in a build may link a given name.",
        REF + "build-scripts.html#the-links-manifest-key", STR)
    p["default-run"] = field(
        "The binary `cargo run` runs when there are several and `--bin` is not given.",
        MANIFEST + "#the-default-run-field", STR)
    for key, what in (("autolib", "the library (`src/lib.rs`)"), ("autobins", "binaries (`src/main.rs`, `src/bin/`)"),
                      ("autoexamples", "examples (`examples/`)"), ("autotests", "integration tests (`tests/`)"),
                      ("autobenches", "benchmarks (`benches/`)")):
        p[key] = field(f"`false` turns off automatic discovery of {what}; targets declared in the manifest are still built.",
                       TARGETS + "#target-auto-discovery", BOOL)
    p["resolver"] = field(
        'The dependency resolver version for the whole workspace: `"1"`, `"2"` (edition 2021 default) or `"3"` (edition 2024 default). Only the root\'s value counts.',
        REF + "resolver.html#resolver-versions", RESOLVER)
    p["metadata"] = field(
        "Free-form settings for external tools; cargo ignores this table and never warns about it.",
        MANIFEST + "#the-metadata-table", ANY)
    p["metabuild"] = field(
        "Unstable (nightly `metabuild` feature): packages whose build scripts run as this package's build script.",
        UNSTABLE + "#metabuild", {"type": ["string", "array"], "items": {"type": "string"}})
    p["default-target"] = field(
        "Unstable (nightly `per-package-target` feature): the target triple used when `--target` is not given.",
        UNSTABLE + "#per-package-target", STR)
    p["forced-target"] = field(
        "Unstable (nightly `per-package-target` feature): the target triple the package is always built for.",
        UNSTABLE + "#per-package-target", STR)
    p["im-a-teapot"] = field(
        "Unstable test field (nightly `test-dummy-unstable` feature); has no effect.",
        UNSTABLE, BOOL)
    p["cargo-features"] = field(
        "Misplaced: `cargo-features` goes at the top of Cargo.toml, before any table.",
        UNSTABLE, {"not": {}, "errorMessage": "`cargo-features` must be set at the top of Cargo.toml, before any tables"})
    return p


# -- targets -------------------------------------------------------------------------------

CRATE_TYPES = ["bin", "lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"]


def target_props():
    p = {}
    p["name"] = field("The target's name, which names its artifact; for the library it is the crate name dependents use. Required except for `[lib]`.",
                      TARGETS + "#the-name-field", STR)
    p["path"] = field("The target's root source file, relative to this manifest; inferred from the name when absent.",
                      TARGETS + "#the-path-field", STR)
    p["test"] = field("Whether `cargo test` tests the target by default (default `true` for lib, bins and tests).",
                      TARGETS + "#the-test-field", BOOL)
    p["doctest"] = field("Whether `cargo test` runs the library's documentation examples (libraries only; default `true`).",
                         TARGETS + "#the-doctest-field", BOOL)
    p["bench"] = field("Whether `cargo bench` benchmarks the target by default (default `true` for lib, bins and benchmarks).",
                       TARGETS + "#the-bench-field", BOOL)
    p["doc"] = field("Whether `cargo doc` documents the target by default (default `true` for the library and binaries).",
                     TARGETS + "#the-doc-field", BOOL)
    p["doc-scrape-examples"] = field("Whether rustdoc scrapes this target for usage examples of the library's items.",
                                     UNSTABLE + "#scrape-examples", BOOL)
    p["proc-macro"] = field("`true` makes the library a procedural macro crate (`[lib]` only).",
                            TARGETS + "#the-proc-macro-field", BOOL)
    p["proc_macro"] = field("Legacy spelling of `proc-macro`; rejected from the 2024 edition on.",
                            TARGETS + "#the-proc-macro-field", BOOL, deprecated=True)
    p["harness"] = field("Whether libtest's harness (`--test`) drives the target's `#[test]`/`#[bench]` functions; `false` means the target has its own `main` (default `true`).",
                         TARGETS + "#the-harness-field", BOOL)
    ct = {"type": "array", "items": {
        "anyOf": [{"type": "string", "enum": CRATE_TYPES},
                  {"enum": ["procmacro"], "deprecated": True,
                   "description": "An undocumented spelling of `proc-macro` that cargo also reads."}],
        "errorMessage": "expected one of " + ", ".join(f'"{c}"' for c in CRATE_TYPES)}}
    p["crate-type"] = field("The crate types to produce (libraries and examples only): `bin`, `lib`, `rlib`, `dylib`, `cdylib`, `staticlib`, `proc-macro`.",
                            TARGETS + "#the-crate-type-field", ct)
    p["crate_type"] = field("Legacy spelling of `crate-type`; rejected from the 2024 edition on.",
                            TARGETS + "#the-crate-type-field", ct, deprecated=True)
    p["required-features"] = field("Features that must be enabled for the target to be built; otherwise it is skipped (not for `[lib]`).",
                                   TARGETS + "#the-required-features-field", STRS)
    p["edition"] = field("Deprecated: the edition of this target alone; defaults to `package.edition`.",
                         TARGETS + "#the-edition-field", EDITION)
    p["filename"] = field("Unstable (nightly `different-binary-name` feature): the file name of the produced binary.",
                          UNSTABLE + "#different-binary-name", STR)
    return p


# -- dependencies --------------------------------------------------------------------------

def detailed_dep_props(kind: str):
    """kind: "package" (a [dependencies] entry), "workspace" ([workspace.dependencies]),
    "override" ([patch]/[replace])."""
    p = {}
    p["version"] = field('The version requirement, e.g. `"1.2"` (same as `^1.2`), `"~1.2.3"`, `"=1.2.3"`, `">=1, <2"`.',
                         DEPS + "#version-requirement-syntax", STR)
    p["path"] = field("Directory of the dependency's Cargo.toml, relative to this manifest. A path dependency inside the workspace root becomes a member.",
                      DEPS + "#specifying-path-dependencies", STR)
    p["git"] = field("URL of the git repository holding the dependency; cargo searches the whole repository for the package.",
                     DEPS + "#specifying-dependencies-from-git-repositories", STR)
    p["branch"] = field("The git branch to use (with `git`).", DEPS + "#choice-of-commit", STR)
    p["tag"] = field("The git tag to use (with `git`).", DEPS + "#choice-of-commit", STR)
    p["rev"] = field("The git revision to use (with `git`): a commit hash or a named ref such as `refs/pull/493/head`.",
                     DEPS + "#choice-of-commit", STR)
    p["registry"] = field("Name of the registry (configured in `.cargo/config.toml`) to take the dependency from instead of crates.io.",
                          DEPS + "#specifying-dependencies-from-other-registries", STR)
    p["registry-index"] = field("URL of the registry index; written by cargo into published manifests, not meant to be set by hand.",
                                DEPS + "#specifying-dependencies-from-other-registries", STR)
    p["package"] = field("The real package name, when the key of this entry is a different (renamed) name.",
                         DEPS + "#renaming-dependencies-in-cargotoml", STR)
    p["features"] = field("Features of the dependency to enable.", DEPS + "#choosing-features", STRS)
    p["default-features"] = field("`false` turns off the dependency's `default` feature.", DEPS + "#choosing-features", BOOL)
    p["default_features"] = field("Legacy spelling of `default-features`; rejected from the 2024 edition on.",
                                  DEPS + "#choosing-features", BOOL, deprecated=True)
    if kind == "workspace":
        p["optional"] = field("Not allowed here: `[workspace.dependencies]` entries cannot be optional (set `optional` where a member inherits the dependency).",
                              WS + "#the-dependencies-table", {"type": "boolean", "const": False, "errorMessage": "workspace dependencies cannot be optional"})
        p["public"] = field("Not allowed here: `[workspace.dependencies]` entries cannot be public.",
                            UNSTABLE + "#public-dependency", {"type": "boolean", "const": False, "errorMessage": "workspace dependencies cannot be public"})
    else:
        p["optional"] = field("`true` makes the dependency optional: it is built only when a feature enables it (`dep:name` or an implicit feature of the same name).",
                              FEATURES + "#optional-dependencies", BOOL)
        p["public"] = field("Unstable (nightly `public-dependency` feature): marks the dependency as part of the package's public API.",
                            UNSTABLE + "#public-dependency", BOOL)
    p["base"] = field("Unstable (nightly `path-bases` feature): a named base directory that `path` is relative to.",
                      UNSTABLE + "#path-bases", STR)
    p["artifact"] = field("Unstable (nightly `bindeps` feature): the artifact kinds to depend on (`bin`, `cdylib`, `staticlib`, `bin:<name>`).",
                          UNSTABLE + "#artifact-dependencies", {"type": ["string", "array"], "items": {"type": "string"}})
    p["lib"] = field("Unstable (nightly `bindeps` feature): with `artifact`, also depend on the library.",
                     UNSTABLE + "#artifact-dependencies", BOOL)
    p["target"] = field("Unstable (nightly `bindeps` feature): the target triple to build the artifact for.",
                        UNSTABLE + "#artifact-dependencies", STR)
    if kind == "package":
        p["workspace"] = field(
            "`true` inherits the entry of the same name from `[workspace.dependencies]`; it may then only add `features`, `optional`, `default-features` and `public`.",
            DEPS + "#inheriting-a-dependency-from-a-workspace",
            {"not": {}, "errorMessage": "`workspace` must be `true`, and an inherited dependency may only add `features`, `optional`, `default-features` or `public`"})
    return p


def inherited_dep_props():
    p = {}
    p["workspace"] = field(
        "`true` inherits the entry of the same name from `[workspace.dependencies]`.",
        DEPS + "#inheriting-a-dependency-from-a-workspace",
        {"type": "boolean", "const": True, "errorMessage": "`workspace` cannot be false"})
    p["features"] = field("Features to enable in addition to those of the workspace entry.",
                          DEPS + "#inheriting-a-dependency-from-a-workspace", STRS)
    p["optional"] = field("`true` makes the inherited dependency optional.", FEATURES + "#optional-dependencies", BOOL)
    p["default-features"] = field("Whether the `default` feature is enabled; only effective if the workspace entry also leaves it on.",
                                  DEPS + "#choosing-features", BOOL)
    p["default_features"] = field("Legacy spelling of `default-features`; rejected from the 2024 edition on.",
                                  DEPS + "#choosing-features", BOOL, deprecated=True)
    p["public"] = field("Unstable (nightly `public-dependency` feature): marks the dependency as public.",
                        UNSTABLE + "#public-dependency", BOOL)
    return p


def dep_table(description, url, entry, deprecated=False):
    return field(description, url, {
        "type": "object",
        "additionalProperties": ref(entry),
        "x-tombi-additional-key-label": "crate_name",
    }, deprecated=deprecated)


# -- profiles ------------------------------------------------------------------------------

def profile_props(override: str | None):
    """override: None for a profile, "package" / "build-override" for an override table."""
    p = {}
    p["opt-level"] = field("Optimization level (`-C opt-level`): 0 none, 1 basic, 2 some, 3 all, `\"s\"` small binary, `\"z\"` smaller, without loop vectorization.",
                           PROFILES + "#opt-level", {"enum": [0, 1, 2, 3, "s", "z"], "errorMessage": 'expected 0, 1, 2, 3, "s" or "z"'})
    p["debug"] = field("Debug information (`-C debuginfo`): `false`/0/`\"none\"`, `\"line-directives-only\"`, `\"line-tables-only\"`, 1/`\"limited\"`, `true`/2/`\"full\"`.",
                       PROFILES + "#debug", {
                           "anyOf": [BOOL, {"enum": [0, 1, 2]},
                                     {"enum": ["none", "line-directives-only", "line-tables-only", "limited", "full"]}],
                           "errorMessage": 'expected a boolean, 0, 1, 2, "none", "limited", "full", "line-tables-only" or "line-directives-only"'})
    p["split-debuginfo"] = field("Where debug information goes (`-C split-debuginfo`): `\"off\"`, `\"packed\"` or `\"unpacked\"`; the default depends on the platform.",
                                 PROFILES + "#split-debuginfo", {"type": "string", "enum": ["off", "packed", "unpacked"]})
    p["strip"] = field("What to strip from binaries (`-C strip`): `\"none\"`, `\"debuginfo\"` or `\"symbols\"`; `true` means `\"symbols\"`, `false` `\"none\"`.",
                       PROFILES + "#strip", {"anyOf": [BOOL, {"enum": ["none", "debuginfo", "symbols"]}],
                                             "errorMessage": 'expected a boolean, "none", "debuginfo" or "symbols"'})
    p["debug-assertions"] = field("Whether `cfg(debug_assertions)` and `debug_assert!` are on (`-C debug-assertions`).",
                                  PROFILES + "#debug-assertions", BOOL)
    p["overflow-checks"] = field("Whether integer overflow panics at run time (`-C overflow-checks`).",
                                 PROFILES + "#overflow-checks", BOOL)
    p["incremental"] = field("Whether incremental compilation is used (workspace members and path dependencies only).",
                             PROFILES + "#incremental", BOOL)
    p["codegen-units"] = field("How many code generation units a crate is split into (`-C codegen-units`); an integer greater than 0.",
                               PROFILES + "#codegen-units", {"type": "integer", "minimum": 1, "maximum": 4294967295})
    if override is None:
        p["lto"] = field("Link-time optimization: `true`/`\"fat\"` whole graph, `\"thin\"`, `false` thin-local only, `\"off\"` none.",
                         PROFILES + "#lto", {"anyOf": [BOOL, {"enum": ["fat", "thin", "off"]},
                                                       {"enum": ["yes", "y", "on", "no", "n", "none"], "deprecated": True,
                                                        "description": "rustc's other spellings of `-C lto`; cargo passes them on."}],
                                             "errorMessage": 'expected a boolean, "fat", "thin" or "off"'})
        p["panic"] = field("The panic strategy (`-C panic`): `\"unwind\"` or `\"abort\"` (`\"immediate-abort\"` is unstable). Tests, benches, build scripts and proc macros ignore it.",
                           PROFILES + "#panic", {"type": "string", "enum": ["unwind", "abort", "immediate-abort"]})
        p["rpath"] = field("Whether `-C rpath` is passed to rustc.", PROFILES + "#rpath", BOOL)
        p["inherits"] = field('The profile this custom profile starts from (`"dev"`, `"release"` or another custom profile); required for custom profiles.',
                              PROFILES + "#custom-profiles", STR, examples=["release", "dev"])
        p["package"] = field("Per-package overrides: keys are package ID specs (`foo`, `foo@1.2.3`) or `\"*\"` for every dependency that is not a workspace member.",
                             PROFILES + "#overrides", {"type": "object", "additionalProperties": ref("profile-package-override"),
                                                       "x-tombi-additional-key-label": "package_spec"})
        p["build-override"] = field("Settings for build scripts, proc macros and their dependencies.",
                                    PROFILES + "#overrides", ref("profile-build-override"))
        p["dir-name"] = field("Not allowed: a profile's output directory is named after the profile.",
                              PROFILES + "#custom-profiles",
                              {"not": {}, "errorMessage": "`dir-name` is not currently allowed: directory names are tied to the profile name"})
    else:
        where = f"a `{override}` override"
        for key in ("lto", "panic", "rpath"):
            p[key] = field(f"Not allowed in {where}: `{key}` applies to the whole build.", PROFILES + "#overrides",
                           {"not": {}, "errorMessage": f"`{key}` may not be specified in {where}"})
        p["package"] = field(f"Not allowed in {where}: package-specific profiles cannot be nested.", PROFILES + "#overrides",
                             {"not": {}, "errorMessage": "package-specific profiles cannot be nested"})
        p["build-override"] = field(f"Not allowed in {where}: build-override profiles cannot be nested.", PROFILES + "#overrides",
                                    {"not": {}, "errorMessage": "build-override profiles cannot be nested"})
    p["codegen-backend"] = field("Unstable (nightly `codegen-backend` feature): the rustc code generator to use, e.g. `\"cranelift\"`.",
                                 UNSTABLE + "#codegen-backend", STR)
    p["rustflags"] = field("Unstable (nightly `profile-rustflags` feature): extra flags passed to rustc.",
                           UNSTABLE + "#profile-rustflags-option", STRS)
    tp = ["diagnostics", "macro", "object"]
    p["trim-paths"] = field("Unstable (nightly `trim-paths` feature): which outputs get sanitized file paths.",
                            UNSTABLE + "#profile-trim-paths-option",
                            {"anyOf": [BOOL, {"enum": ["none", "all"] + tp}, {"type": "array", "items": {"enum": tp}}],
                             "errorMessage": 'expected a boolean, "none", "diagnostics", "macro", "object", "all", or an array of these'})
    p["hint-mostly-unused"] = field("Unstable (nightly `profile-hint-mostly-unused` feature): defer code generation of items until they are used.",
                                    UNSTABLE + "#profile-hint-mostly-unused-option", BOOL)
    return p


def obj(props, *, additional=False, description=None, **extra):
    out = {"type": "object"}
    if description:
        out["description"] = description
    out["properties"] = props
    out["additionalProperties"] = additional
    out.update(extra)
    return out


# -- lints ---------------------------------------------------------------------------------

LEVELS = ["forbid", "deny", "warn", "allow"]


def lint_tool_table(extra_props=None):
    return {
        "type": "object",
        "properties": extra_props or {},
        "additionalProperties": ref("lint"),
        "x-tombi-additional-key-label": "lint_name",
    }


def lints_props(inheritable: bool):
    p = {}
    if inheritable:
        p["workspace"] = field("`true` inherits the lint levels of `[workspace.lints]`.", WS + "#the-lints-table",
                               {"type": "boolean", "const": True, "errorMessage": "`workspace` cannot be false"})
    p["rust"] = field("Levels of rustc's lints (`unsafe_code`, `unexpected_cfgs`, `missing_docs`, ...).",
                      MANIFEST + "#the-lints-section", ref("rust-lints"))
    p["clippy"] = field("Levels of Clippy's lints (`clippy::enum_glob_use` is written `enum_glob_use` here).",
                        MANIFEST + "#the-lints-section", ref("lint-tool"))
    p["rustdoc"] = field("Levels of rustdoc's lints (`broken_intra_doc_links`, ...).",
                         MANIFEST + "#the-lints-section", ref("lint-tool"))
    p["cargo"] = field("Cargo's own lints; unstable (nightly `-Zcargo-lints`), stable cargo ignores this table with a warning.",
                       UNSTABLE + "#lintscargo", ref("lint-tool"))
    return p


def build():
    defs = {}
    defs["workspace-inherit"] = {
        "title": "Inherited from the workspace",
        "description": "`{ workspace = true }`: take the value from the workspace root's `[workspace.package]` table.",
        "type": "object",
        "required": ["workspace"],
        "properties": {
            "workspace": field("`true` takes this key's value from `[workspace.package]` of the workspace root.",
                               WS + "#the-package-table",
                               {"type": "boolean", "const": True, "errorMessage": "`workspace` cannot be false"}),
        },
        "additionalProperties": False,
    }
    defs["package"] = obj(package_props(True), description="The `[package]` table.")
    defs["target"] = obj(target_props(), description="A build target: `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]` or `[[bench]]`.")
    defs["dependency"] = {
        "description": "A dependency: a version requirement string, a table of details, or `{ workspace = true, ... }`.",
        "anyOf": [
            {"type": "string", "description": "A version requirement for a crates.io dependency."},
            ref("inherited-dependency"),
            ref("detailed-dependency"),
        ],
        "errorMessage": 'expected a version requirement string like "1.0" or a table like { version = "1.0" }',
    }
    defs["inherited-dependency"] = obj(inherited_dep_props(), required=["workspace"],
                                       description="A dependency inherited from `[workspace.dependencies]`.")
    defs["detailed-dependency"] = obj(detailed_dep_props("package"), description="A dependency described by a table.")
    defs["workspace-dependency"] = {
        "description": "An entry of `[workspace.dependencies]`: a version requirement string or a table of details.",
        "anyOf": [{"type": "string"}, ref("workspace-detailed-dependency")],
        "errorMessage": 'expected a version requirement string like "1.0" or a table like { version = "1.0" }',
    }
    defs["workspace-detailed-dependency"] = obj(detailed_dep_props("workspace"), description="A workspace dependency described by a table.")
    defs["override-dependency"] = {
        "description": "A replacement source for a dependency, as in `[dependencies]` (no `workspace = true`).",
        "anyOf": [{"type": "string"}, ref("override-detailed-dependency")],
        "errorMessage": 'expected a version requirement string or a table like { git = "..." } or { path = "..." }',
    }
    defs["override-detailed-dependency"] = obj(detailed_dep_props("override"), description="A replacement dependency described by a table.")
    defs["platform"] = obj({
        "dependencies": dep_table("Dependencies used only when building for this target.", DEPS + "#platform-specific-dependencies", "dependency"),
        "dev-dependencies": dep_table("Development dependencies used only when building for this target.", DEPS + "#platform-specific-dependencies", "dependency"),
        "dev_dependencies": dep_table("Legacy spelling of `dev-dependencies`; rejected from the 2024 edition on.", DEPS + "#platform-specific-dependencies", "dependency", deprecated=True),
        "build-dependencies": dep_table("Build-script dependencies used only when the build script runs for this target (the host for `cfg` keys).", DEPS + "#platform-specific-dependencies", "dependency"),
        "build_dependencies": dep_table("Legacy spelling of `build-dependencies`; rejected from the 2024 edition on.", DEPS + "#platform-specific-dependencies", "dependency", deprecated=True),
    }, description="The dependency tables of one `[target.<cfg or triple>]` entry.")
    defs["badges"] = {
        "type": "object",
        "description": "Badges: each badge is a table of string values.",
        "properties": {
            "maintenance": field(
                "Maintenance status of the crate, for registries that show it.", MANIFEST + "#the-badges-section",
                {"type": "object", "properties": {
                    "status": field("One of `actively-developed`, `passively-maintained`, `as-is`, `experimental`, `looking-for-maintainer`, `deprecated`, `none`.",
                                    MANIFEST + "#the-badges-section", STR,
                                    examples=["actively-developed", "passively-maintained", "as-is", "experimental",
                                              "looking-for-maintainer", "deprecated", "none"]),
                }, "additionalProperties": {"type": "string"}}),
        },
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
    }
    defs["profile"] = obj(profile_props(None), description="Compiler settings of one profile.")
    defs["profile-package-override"] = obj(profile_props("package"), description="Settings for the packages an override key selects.")
    defs["profile-build-override"] = obj(profile_props("build-override"), description="Settings for build scripts, proc macros and their dependencies.")
    defs["lint"] = {
        "description": "A lint level, or a table with the level and a priority.",
        "anyOf": [
            {"type": "string", "enum": LEVELS},
            ref("lint-config"),
        ],
        "errorMessage": 'expected "forbid", "deny", "warn", "allow" or a table like { level = "warn", priority = -1 }',
    }

    def lint_cfg_props():
        return {
            "level": field("The lint level: `forbid`, `deny`, `warn` or `allow`.", MANIFEST + "#the-lints-section",
                           {"type": "string", "enum": LEVELS}),
            "priority": field("Order against other lints and groups: lower numbers come first on the command line and are overridden by higher ones (default 0).",
                              MANIFEST + "#the-lints-section", {"type": "integer", "minimum": -128, "maximum": 127}),
        }

    defs["lint-config"] = obj(lint_cfg_props(), required=["level"], description="A lint level with a priority.")
    ucfg = lint_cfg_props()
    ucfg["check-cfg"] = field("Extra `--check-cfg` arguments declaring expected cfg names and values, e.g. `'cfg(has_foo)'`.",
                              "https://doc.rust-lang.org/rustc/check-cfg/cargo-specifics.html", STRS)
    defs["unexpected-cfgs-lint"] = {
        "anyOf": [{"type": "string", "enum": LEVELS}, obj(ucfg, required=["level"])],
        "errorMessage": 'expected "forbid", "deny", "warn", "allow" or a table like { level = "warn", check-cfg = [...] }',
    }
    defs["lint-tool"] = lint_tool_table()
    defs["rust-lints"] = lint_tool_table({
        "unexpected_cfgs": field("Level of rustc's `unexpected_cfgs` lint; its table may also hold `check-cfg`.",
                                 "https://doc.rust-lang.org/rustc/check-cfg/cargo-specifics.html", ref("unexpected-cfgs-lint")),
    })
    defs["workspace-package"] = obj(package_props(False), description="Keys members inherit with `key.workspace = true`.")

    workspace = obj({
        "members": field("Paths (with `*`/`?` globs) of member package directories, relative to the root.",
                         WS + "#the-members-and-exclude-fields", STRS),
        "exclude": field("Path prefixes (not globs) of directories kept out of the workspace, even when path dependencies reach them.",
                         WS + "#the-members-and-exclude-fields", STRS),
        "default-members": field("The members that commands run at the root act on when no package is selected.",
                                 WS + "#the-default-members-field", STRS),
        "resolver": field('The dependency resolver version: `"1"`, `"2"` or `"3"`. A virtual workspace should set it (it has no edition to imply it).',
                          REF + "resolver.html#resolver-versions", RESOLVER),
        "package": field("Package keys that members inherit with `key.workspace = true`.", WS + "#the-package-table", ref("workspace-package")),
        "dependencies": field("Dependencies that members inherit with `name.workspace = true`.", WS + "#the-dependencies-table",
                              {"type": "object", "additionalProperties": ref("workspace-dependency"),
                               "x-tombi-additional-key-label": "crate_name"}),
        "lints": field("Lint levels that members inherit with `lints.workspace = true`.", WS + "#the-lints-table",
                       obj(lints_props(False), additional=ref("lint-tool"))),
        "metadata": field("Free-form settings for external tools; cargo ignores this table and never warns about it.",
                          WS + "#the-metadata-table", ANY),
    }, description="The `[workspace]` table.")
    defs["workspace"] = workspace

    top = {}
    top["cargo-features"] = field("Unstable features enabled for this package; nightly toolchains only.", UNSTABLE, STRS)
    top["package"] = field("Defines a package: its name, version, edition and publishing metadata.", MANIFEST + "#the-package-section", ref("package"))
    top["project"] = field("Deprecated name of `[package]`; rejected from the 2024 edition on.", MANIFEST + "#the-package-section", ref("package"), deprecated=True)
    top["lib"] = field("Settings of the library target (default `src/lib.rs`).", TARGETS + "#library", ref("target"))
    for key, desc, anchor in (("bin", "Binary targets, one `[[bin]]` table each (defaults: `src/main.rs`, `src/bin/`).", "#binaries"),
                              ("example", "Example targets, one `[[example]]` table each (default: `examples/`).", "#examples"),
                              ("test", "Integration test targets, one `[[test]]` table each (default: `tests/`).", "#tests"),
                              ("bench", "Benchmark targets, one `[[bench]]` table each (default: `benches/`).", "#benchmarks")):
        top[key] = field(desc, TARGETS + anchor, {"type": "array", "items": ref("target")})
    top["dependencies"] = dep_table("Dependencies of the package: name = version requirement, or a table of details.", DEPS, "dependency")
    top["dev-dependencies"] = dep_table("Dependencies used only by tests, examples and benchmarks.", DEPS + "#development-dependencies", "dependency")
    top["dev_dependencies"] = dep_table("Legacy spelling of `dev-dependencies`; rejected from the 2024 edition on.", DEPS + "#development-dependencies", "dependency", deprecated=True)
    top["build-dependencies"] = dep_table("Dependencies of the build script.", DEPS + "#build-dependencies", "dependency")
    top["build_dependencies"] = dep_table("Legacy spelling of `build-dependencies`; rejected from the 2024 edition on.", DEPS + "#build-dependencies", "dependency", deprecated=True)
    top["target"] = field(
        "Platform-specific dependencies, keyed by `cfg(...)` expression or target triple, e.g. `[target.'cfg(unix)'.dependencies]`. A path dependency here joins the workspace whatever the condition.",
        DEPS + "#platform-specific-dependencies",
        {"type": "object", "additionalProperties": ref("platform"), "x-tombi-additional-key-label": "cfg"})
    top["features"] = field(
        "Features: each names the features, optional dependencies (`dep:name`) and dependency features (`name/feature`, `name?/feature`) it enables. `default` is on unless turned off.",
        FEATURES + "#the-features-section",
        {"type": "object", "additionalProperties": STRS, "x-tombi-additional-key-label": "feature"})
    top["badges"] = field("Status badges for registries (crates.io no longer shows them).", MANIFEST + "#the-badges-section", ref("badges"))
    top["lints"] = field("Lint levels for this package's own code, by tool (`rust`, `clippy`, `rustdoc`), or `workspace = true`.",
                         MANIFEST + "#the-lints-section", obj(lints_props(True), additional=ref("lint-tool")))
    top["hints"] = field("Hints for compiling this package; cargo warns about, but never fails on, hints it does not know. No hint is stable yet.",
                         MANIFEST + "#the-hints-section",
                         obj({"mostly-unused": field("Unstable: hint that most of this crate's items go unused by dependents, so their code generation can be deferred.",
                                                     UNSTABLE + "#profile-hint-mostly-unused-option", ANY)}))
    top["patch"] = field(
        "Overrides of dependencies: `[patch.crates-io]` or `[patch.<registry or git URL>]`, then entries like in `[dependencies]`. Only the workspace root's counts.",
        OVR + "#the-patch-section",
        {"type": "object",
         "properties": {"crates-io": field("Patches of crates.io dependencies.", OVR + "#the-patch-section",
                                           {"type": "object", "additionalProperties": ref("override-dependency"),
                                            "x-tombi-additional-key-label": "crate_name"})},
         "additionalProperties": {"type": "object", "additionalProperties": ref("override-dependency")},
         "x-tombi-additional-key-label": "source"})
    top["replace"] = field(
        "Deprecated overrides keyed by package ID spec (`\"foo:1.0.0\"`); use `[patch]`. Only the workspace root's counts.",
        OVR + "#the-replace-section",
        {"type": "object", "additionalProperties": ref("override-dependency"), "x-tombi-additional-key-label": "package_spec"},
        deprecated=True)
    prof_props = {}
    for name, desc in (("dev", "The default profile of `cargo build`, `check` and `run`: no optimization, full debug info."),
                       ("release", "The profile of `--release` builds and `cargo install`: optimized, no debug info."),
                       ("test", "The profile of `cargo test`; inherits `dev`."),
                       ("bench", "The profile of `cargo bench`; inherits `release`.")):
        prof_props[name] = field(desc, PROFILES + f"#{name}", ref("profile"))
    prof_props["doc"] = field("Deprecated: the `doc` profile has no effect.", PROFILES, ref("profile"), deprecated=True)
    top["profile"] = field("Compiler settings by profile (`dev`, `release`, `test`, `bench` or a custom one). Only the workspace root's profiles count.",
                           PROFILES, {"type": "object", "properties": prof_props, "additionalProperties": ref("profile"),
                                      "x-tombi-additional-key-label": "profile"})
    top["workspace"] = field("Makes this manifest a workspace root: its members and what they inherit.", WS + "#the-workspace-section", ref("workspace"))

    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": (
            "JSON Schema draft-07, because it is the newest draft the editors' TOML tools all read: taplo / "
            "Even Better TOML validate with the Rust `jsonschema` crate built without its 2019-09/2020-12 "
            "support, and tombi takes draft-07 as its base dialect. Hence `definitions` (not `$defs`), and "
            "every `$ref` that has annotations beside it is wrapped in `allOf` (draft-07 ignores siblings of "
            "`$ref`). Generated by scripts/gen_cargo_schema.py (edit that, not this file) from the Cargo "
            "reference and cargo 1.95's manifest types (cargo-util-schemas). Extensions: `x-docs` (the reference section of a key), `markdownDescription` "
            "and `errorMessage`/`patternErrorMessage` (VS Code), `x-taplo`, `x-tombi-additional-key-label`. "
            "cargo-lens reads it with server/cargo_lens/engine/schema.py: unknown keys are warnings (cargo "
            "only warns 'unused manifest key'), values of the wrong type are errors."
        ),
        "title": "Cargo.toml",
        "description": "The manifest of a Rust package or workspace (cargo 1.95).",
        "markdownDescription": f"The manifest of a Rust package or workspace (cargo 1.95).\n\n[Cargo reference]({MANIFEST})",
        "x-docs": MANIFEST,
        "type": "object",
        "properties": top,
        "additionalProperties": False,
        "definitions": defs,
    }
    return schema


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    wanted = render()
    if "--check" in sys.argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != wanted:
            print(f"{OUT} is stale: run python scripts/gen_cargo_schema.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
