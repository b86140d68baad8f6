"""WTForms classes per audience."""
