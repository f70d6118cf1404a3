"""Wizards: multi-step dialogs over a pure-Python flow (the import wizard)."""
