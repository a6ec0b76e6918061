"""A tiny tenant app used only by benchmarks/migrate_many.py to have a migration left to apply."""
