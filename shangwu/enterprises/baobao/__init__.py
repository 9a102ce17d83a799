"""包保 and visits: contacts, assignments (包保责任), visits and their problems.

The enterprise registry (enterprises/models.py, views.py, …) is the record of the firms; this
sub-package is the work officials do with them. It has the standard file set: services.py
(``contact_*``, ``assignment_*``, ``visit_*``), views.py, forms.py, tables.py, filtersets.py,
api.py and serializers.py. Its models live in ``enterprises.models`` (Contact, Assignment, Visit,
VisitProblem, VisitAttachment) so their tables and migrations stay where they are.
"""
