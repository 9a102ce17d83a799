"""The audit log has no forms: nobody edits it."""
