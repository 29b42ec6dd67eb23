"""The inspection template editor (システム管理者)."""
