"""Seeded examples (the plan lists no standards or checklists) stay marked until the ward owns them."""
