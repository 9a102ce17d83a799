"""Regions and org units are plain configuration records: the generic edit views save them and
the audit log records every change. Nothing here yet needs a service of its own."""
