"""cargo-lens: Cargo workspace analysis for editors and terminals."""

__version__ = "0.1.0"
