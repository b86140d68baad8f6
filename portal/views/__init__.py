"""One blueprint per audience: public, auth, secretariat, assignee, admin."""
