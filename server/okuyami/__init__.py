"""おくやみコーナー: the bereavement desk's intake, procedure guide and cases."""
