"""The analysis core. Imports nothing from pygls or lsprotocol."""
