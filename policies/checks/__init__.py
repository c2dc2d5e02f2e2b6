"""Leadping's own Checkov checks (loaded by the gate with --external-checks-dir; one check per file)."""
