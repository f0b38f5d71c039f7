"""Administration: organizations, vendor staff, the audit trail."""
