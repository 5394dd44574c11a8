"""Admin pages for teams, memberships and invitations (imported by accounts/admin.py)."""
