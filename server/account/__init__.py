"""A person's own account: changing their password."""
