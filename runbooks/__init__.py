"""Incident and operations runbooks (Markdown, beside this file) and their tested automation.

``python -m runbooks <action>`` runs an action (dry run unless ``--apply``); ``links`` maps the
runbooks to the controls of ``shared/CONTROLS.md`` they serve.
"""
