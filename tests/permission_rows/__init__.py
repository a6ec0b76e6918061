"""Permission-matrix rows per domain area (see tests/test_permission_matrix.py)."""
